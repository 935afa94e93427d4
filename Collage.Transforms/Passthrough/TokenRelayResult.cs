using Collage.Transforms.Registry;

namespace Collage.Transforms.Passthrough;

/// <summary>
/// What Collage's token endpoint answers: a token body, or an OCI error (with the challenge of a 401 and the
/// <c>Retry-After</c> of a 429 when there is one).
/// </summary>
internal sealed record TokenRelayResult(byte[]? Body, OciError? Error)
{
    /// <summary>The <c>WWW-Authenticate</c> of a refusal; null for none.</summary>
    public string? Challenge { get; init; }

    /// <summary>The <c>Retry-After</c> seconds of a throttled request; null for none.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static TokenRelayResult Fail(OciError error) => new(null, error);
}
