using Collage.Transforms.Diagnostics;

namespace Collage.Proxy.Observability;

/// <summary>
/// The access log: one line per request under the category <see cref="Category"/>, so it can be turned off
/// (<c>Logging:LogLevel:Collage.AccessLog=None</c>) or routed on its own. It carries the path without its
/// query, the local name, the upstream's authority and how the pull-through cache answered (hit, miss, coalesced,
/// stale, or - when it did not): never a header, a token or a redirect target.
/// </summary>
internal static partial class AccessLog
{
    public const string Category = "Collage.AccessLog";

    [LoggerMessage(EventIds.AccessLogRequest, LogLevel.Information,
        "{Method} {Host}{Path} {StatusCode} {Bytes} bytes {DurationMs:0.###} ms kind={Kind} name={Name} upstream={Upstream} vhost={Vhost} cache={Cache} user={User}",
        EventName = "Request")]
    public static partial void Request(
        ILogger logger, string method, string host, string path, int statusCode, long bytes, double durationMs, string kind, string name, string upstream, string vhost, string cache, string user);
}
