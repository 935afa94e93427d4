using System.Text.Json.Nodes;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>An OCI content descriptor, as a manifest's <c>subject</c> or an index's <c>manifests</c> entry.</summary>
/// <param name="MediaType">The media type of the content it points at.</param>
/// <param name="Digest">Its digest.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="ArtifactType">The <c>artifactType</c> field, left out when null.</param>
/// <param name="Annotations">The <c>annotations</c> field, left out when null.</param>
internal sealed record OciDescriptor(string MediaType, string Digest, long Size, string? ArtifactType = null, IReadOnlyDictionary<string, string>? Annotations = null)
{
    /// <summary>The descriptor as JSON, fields in the order oras writes them (mediaType, digest, size, artifactType, annotations).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["mediaType"] = MediaType, ["digest"] = Digest, ["size"] = Size };
        if (ArtifactType is not null)
        {
            json["artifactType"] = ArtifactType;
        }

        if (Annotations is not null)
        {
            json["annotations"] = OciArtifact.AnnotationsJson(Annotations);
        }

        return json;
    }

    /// <summary>This descriptor without <c>artifactType</c> and <c>annotations</c> (what an older client writes).</summary>
    public OciDescriptor Bare() => this with { ArtifactType = null, Annotations = null };
}
