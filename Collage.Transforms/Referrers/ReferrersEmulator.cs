using System.Text.Json.Nodes;
using Collage.Transforms.Registry;
using Collage.Transforms.Rewriting;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Referrers;

/// <summary>
/// The referrers API for an upstream that lacks it, from the referrers tag schema (distribution spec 1.1, "Referrers
/// Tag Schema"): clients that push to such a registry keep an image index of a subject's referrers under the tag
/// <c>&lt;alg&gt;-&lt;ref&gt;</c>; that index, checked against its digest, is the answer. No tag means no referrers (the
/// empty index, never a 404: "the registry MUST NOT return a 404" once the repository exists). A descriptor written
/// without <c>artifactType</c> gets it, with the annotations, from the manifest it points at.
/// </summary>
internal sealed class ReferrersEmulator(ReferrersUpstream upstream, ReferrersLog log)
{
    // An index is what the tag holds; a manifest is what a mistaken tag holds, and says so.
    private const string TagAccept = $"{ReferrersIndex.MediaType}, application/vnd.oci.image.manifest.v1+json";

    private const string ManifestAccept = "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
        + "application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>At most this many referring manifests are fetched to describe one answer; the rest stay as written.</summary>
    private const int MaxDescribed = 32;

    /// <summary>Answers the referrers request in <paramref name="feature"/> from its subject's referrers tag.</summary>
    public async Task ServeAsync(HttpContext context, RegistryRequestFeature feature, string? artifactType)
    {
        var resolution = feature.Resolved;
        var path = $"/v2/{resolution.UpstreamName}/manifests/{ReferrersTag.For(feature.ResolvedRequest.Reference!)}";
        var reply = await upstream.GetAsync(context, feature, RegistryRequestKind.Manifest, path, TagAccept);
        List<JsonObject> descriptors;
        switch (reply)
        {
            case UpstreamReply.Answered { Status: StatusCodes.Status200OK, Body: { } body } tag:
                if (tag.AnnouncedDigest is { } announced && DigestCheck.Matches(announced, body) == false)
                {
                    log.DigestMismatch(resolution.Upstream.Authority, resolution.UpstreamName, "referrers tag index");
                    await new OciError(StatusCodes.Status502BadGateway, "UNAVAILABLE", "the upstream registry sent an index that does not match its digest").WriteAsync(context);
                    return;
                }

                if (!ReferrersIndex.TryRead(body, out descriptors))
                {
                    log.TagNotAnIndex(resolution.Upstream.Authority, resolution.UpstreamName);
                }

                await DescribeAsync(context, feature, descriptors);
                break;

            case UpstreamReply.Answered { Status: StatusCodes.Status404NotFound } missing:
                if (UpstreamErrorMapper.Map(missing.Status, feature.ResolvedRequest, missing.Body ?? []).Code == "NAME_UNKNOWN")
                {
                    await OciErrors.NameUnknown(feature.ResolvedRequest.Name).WriteAsync(context);
                    return;
                }

                descriptors = [];
                break;

            default:
                await ReferrersResponder.FailAsync(context, feature, reply, log);
                return;
        }

        if (artifactType is not null)
        {
            descriptors = ReferrersIndex.Filter(descriptors, artifactType);
        }

        await ReferrersResponder.WriteAsync(context, ReferrersIndex.Write(descriptors), ReferrersIndex.MediaType, link: null, filtered: artifactType is not null);
    }

    // Spec 1.1: each descriptor MUST carry the manifest's artifactType (else its config's media type) and annotations.
    // Clients that keep the tag write them; for one that did not, the manifest itself is read, by digest, verified.
    private async Task DescribeAsync(HttpContext context, RegistryRequestFeature feature, List<JsonObject> descriptors)
    {
        var lacking = descriptors
            .Where(d => ReferrersIndex.ArtifactTypeOf(d) is null && d["digest"]!.GetValue<string>() is var digest && ReferenceGrammar.IsValidDigest(digest))
            .Take(MaxDescribed)
            .ToList();
        if (lacking.Count == 0)
        {
            return;
        }

        var resolution = feature.Resolved;
        await Task.WhenAll(lacking.Select(async descriptor =>
        {
            var digest = descriptor["digest"]!.GetValue<string>();
            var reply = await upstream.GetAsync(context, feature, RegistryRequestKind.Manifest, $"/v2/{resolution.UpstreamName}/manifests/{digest}", ManifestAccept);
            if (reply is not UpstreamReply.Answered { Status: StatusCodes.Status200OK, Body: { } manifest })
            {
                // Left as the tag has it: a descriptor the client can still follow, rather than no answer at all.
                return;
            }

            if (DigestCheck.Matches(digest, manifest) == false)
            {
                log.DigestMismatch(resolution.Upstream.Authority, resolution.UpstreamName, "referring manifest");
                return;
            }

            ReferringManifest.TryDescribe(manifest, descriptor);
        }));
    }
}
