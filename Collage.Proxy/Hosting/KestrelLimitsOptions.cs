namespace Collage.Proxy.Hosting;

/// <summary>
/// The limits Kestrel enforces on clients before a request reaches Collage, set on purpose for a read-only
/// registry gateway rather than left at Kestrel's general-purpose defaults. Configured under
/// <c>Server:Limits</c> (e.g. <c>Server__Limits__MaxConcurrentConnections=8192</c>).
/// A request over a limit is refused by Kestrel itself with an empty-bodied 400, 408, 413, 414 or 431, or its
/// connection is closed; it never reaches an upstream.
/// </summary>
public sealed record KestrelLimitsOptions
{
    /// <summary>The configuration section these options come from.</summary>
    public const string SectionName = "Server:Limits";

    /// <summary>
    /// The largest request line (method, target, version). Default 4 KiB, half Kestrel's 8 KiB: the longest
    /// legitimate target is <c>/v2/</c>, a name of at most 255 characters, <c>/manifests/</c> and a sha512
    /// digest (about 420 characters), plus <c>n</c>, <c>last</c> and containerd's <c>ns</c> in the query.
    /// Over it: 414.
    /// </summary>
    public int MaxRequestLineSize { get; init; } = 4 * 1024;

    /// <summary>
    /// The largest total of all request headers. Default 32 KiB (Kestrel's): registry clients send a few
    /// hundred bytes, but may carry a credential Collage ignores, and Docker Hub JWTs run to several KiB.
    /// Over it: 431.
    /// </summary>
    public int MaxRequestHeadersTotalSize { get; init; } = 32 * 1024;

    /// <summary>
    /// The most request header fields. Default 64 (Kestrel's is 100): docker, containerd, podman and skopeo
    /// send fewer than 15, an ingress adds a handful. Over it: 431.
    /// </summary>
    public int MaxRequestHeaderCount { get; init; } = 64;

    /// <summary>
    /// The largest request body. Default 0: Collage refuses every write with 405 before reading a byte, and a
    /// zero limit stops Kestrel from draining a refused upload (Kestrel's default would read 30 MB of it) to
    /// keep the connection alive; the connection of a refused write with a body is closed instead.
    /// </summary>
    public long MaxRequestBodySize { get; init; }

    /// <summary>
    /// The most client connections open at once; further ones are closed at once. Default 4096: each proxied
    /// request can hold one upstream connection too, so this bounds Collage's sockets to about twice as many
    /// file descriptors, far below the usual 65536 descriptor limit. Kestrel's default is unlimited.
    /// </summary>
    public long MaxConcurrentConnections { get; init; } = 4096;

    /// <summary>
    /// How long a client may take to send the request line and headers (slowloris). Default 10 s (Kestrel's
    /// is 30 s): registry clients send them in one packet. Over it: 408 and the connection is closed.
    /// </summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle keep-alive connection is kept open. Default 130 s (Kestrel's).</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(130);
}
