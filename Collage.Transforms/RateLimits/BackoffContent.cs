using System.Net.Http.Headers;
using Collage.Transforms.Registry;

namespace Collage.Transforms.RateLimits;

/// <summary>
/// The body of the 429 <see cref="RateLimitHandler"/> answers itself while an upstream is in back-off: an OCI error
/// <c>TOOMANYREQUESTS</c> (OCI distribution spec 1.1, "Error Codes") naming no upstream. Its type is the marker that
/// tells such an answer from a 429 the upstream sent (<see cref="RateLimitHandler.IsBackoffAnswer"/>): it travels with
/// the response wherever it goes, which a request option or a header would not.
/// </summary>
internal sealed class BackoffContent : ByteArrayContent
{
    private static readonly byte[] Body = new OciError(429, "TOOMANYREQUESTS", "too many requests to the upstream registry; try again after Retry-After").ToUtf8Json();

    public BackoffContent()
        : base(Body)
    {
        Headers.ContentType = MediaTypeHeaderValue.Parse(OciError.ContentType);
    }
}
