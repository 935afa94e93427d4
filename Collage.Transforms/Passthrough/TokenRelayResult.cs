using Collage.Transforms.Registry;

namespace Collage.Transforms.Passthrough;

/// <summary>What Collage's token endpoint answers: a token body, or an OCI error.</summary>
internal sealed record TokenRelayResult(byte[]? Body, OciError? Error)
{
    public static TokenRelayResult Fail(OciError error) => new(null, error);
}
