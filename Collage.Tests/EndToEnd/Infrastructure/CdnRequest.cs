using Collage.Tests.Common;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>One request that reached the <see cref="CdnServer"/>, recorded as it arrived.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path, e.g. <c>/docker/registry/v2/blobs/sha256/ab/ABCD.../data</c>.</param>
/// <param name="Range">The Range header, if any.</param>
/// <param name="HadAuthorization">Whether an Authorization header arrived (a gateway must never forward one to a CDN).</param>
/// <param name="HadCookie">Whether a Cookie header arrived.</param>
/// <param name="Host">The Host header.</param>
internal sealed record CdnRequest(string Method, string Path, string? Range, bool HadAuthorization, bool HadCookie, string Host)
{
    /// <summary>The CDN's view of what a <see cref="LoopbackServer"/> recorded.</summary>
    public static CdnRequest From(RecordedRequest request) => new(
        request.Method,
        request.Path,
        request.Header("Range"),
        request.HasHeader("Authorization"),
        request.HasHeader("Cookie"),
        request.Header("Host") ?? string.Empty);

    /// <summary>Whether this request was for the blob with <paramref name="digest"/>.</summary>
    public bool IsForBlob(string digest) => Path.EndsWith("/" + Sha256Digest.Hex(digest) + "/data", StringComparison.Ordinal);
}
