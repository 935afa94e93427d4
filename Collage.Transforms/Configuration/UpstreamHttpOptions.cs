namespace Collage.Transforms.Configuration;

/// <summary>
/// How Collage talks to upstreams: timeouts and connection pooling, one pool per upstream.
/// Configured under <c>Collage:Http</c>.
/// </summary>
public sealed record UpstreamHttpOptions
{
    /// <summary>Time to establish a TCP (and TLS) connection. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an upstream may stay silent, waiting for headers or between body reads, before the request
    /// fails with 504. Default 100 s (YARP's default).
    /// </summary>
    public TimeSpan ActivityTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>How long an idle pooled connection is kept. Default 90 s.</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How long any pooled connection is used, so DNS changes are seen (SocketsHttpHandler's default is
    /// forever). Default 5 min.
    /// </summary>
    public TimeSpan PooledConnectionLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long an upstream that answered 429 without a usable <c>Retry-After</c> is left alone (no request is sent
    /// to it until then). Default 60 s.
    /// </summary>
    public TimeSpan RateLimitBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a member of an upstream group that has a member after it may take to send its response headers before
    /// the request goes to the next member (one that accepts connections but never answers). The body that follows is
    /// still bounded by <see cref="ActivityTimeout"/> only, so slow blob bodies are not cut. Default 10 s.
    /// </summary>
    public TimeSpan ResponseHeaderTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a group member whose circuit breaker opened (it failed) is skipped before one probe request may try it
    /// again. Default 30 s.
    /// </summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);
}
