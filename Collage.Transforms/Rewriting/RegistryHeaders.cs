using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Rewriting;

/// <summary>
/// The headers that cross the gateway. Allow-lists, not deny-lists: the client's Authorization and Cookie
/// must never reach an upstream, and upstream internals (cookies, storage headers) never reach a client.
/// </summary>
internal static class RegistryHeaders
{
    /// <summary>
    /// Client request headers sent upstream, and to every redirect hop: they select the representation (content
    /// negotiation, RFC 9110 section 12.5.1), a part of it (section 14.2 Range, 13.1.5 If-Range) or a conditional
    /// answer (section 13.1), which a redirect target must see to answer the same question.
    /// </summary>
    public static readonly string[] Request =
    [
        "Accept",
        "Range",
        "If-Range",
        "If-None-Match",
        "If-Match",
        "If-Modified-Since",
        "If-Unmodified-Since",
        "User-Agent",
    ];

    /// <summary>Upstream response headers passed to the client unchanged.</summary>
    public static readonly string[] Response =
    [
        "Docker-Content-Digest",
        "ETag",
        "Accept-Ranges",
        "Content-Range",
        "Last-Modified",
        "Cache-Control",
        "Expires",
        "Retry-After",
        "OCI-Filters-Applied",
    ];

    public const string DockerContentDigest = "Docker-Content-Digest";
    public const string ApiVersion = "Docker-Distribution-API-Version";
    public const string ApiVersionValue = "registry/2.0";

    /// <summary>
    /// Marks every <c>/v2/</c> answer as the registry API (distribution spec, "API Version Check"), whoever writes it
    /// and whatever cleared the headers before: set as the headers go out, so this is the one place it is set.
    /// </summary>
    public static void AddApiVersion(HttpResponse response) =>
        response.OnStarting(
            static state =>
            {
                ((HttpResponse)state).Headers[ApiVersion] = ApiVersionValue;
                return Task.CompletedTask;
            },
            response);
}
