namespace Collage.Transforms.Rewriting;

/// <summary>
/// The headers that cross the gateway. Allow-lists, not deny-lists: the client's Authorization and Cookie
/// must never reach an upstream, and upstream internals (cookies, storage headers) never reach a client.
/// </summary>
internal static class ForwardedHeaders
{
    /// <summary>Client request headers sent upstream.</summary>
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
}
