using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Caching.Fleet;

/// <summary>
/// The fleet coordinator's log lines. None names Redis's host or holds its configuration string: that string may carry
/// the password, and the exceptions of StackExchange.Redis name the endpoint, so only their kind is logged.
/// </summary>
internal sealed partial class FleetLog(ILogger logger)
{
    public void Unavailable(string reason) => LogUnavailable(logger, reason);

    public void HalfOpened() => LogHalfOpened(logger);

    public void Reachable() => LogReachable(logger);

    public void ConnectFailed(string reason) => LogConnectFailed(logger, reason);

    public void LeaseLost(string hex, string reason) => LogLeaseLost(logger, hex, reason);

    public void ReleaseFailed(string hex, string reason) => LogReleaseFailed(logger, hex, reason);

    [LoggerMessage(EventId = EventIds.FleetUnavailable, Level = LogLevel.Warning, Message = "Redis unavailable ({Reason}), each replica coordinates only itself")]
    private static partial void LogUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = EventIds.FleetHalfOpened, Level = LogLevel.Debug, Message = "Trying Redis again")]
    private static partial void LogHalfOpened(ILogger logger);

    [LoggerMessage(EventId = EventIds.FleetReachable, Level = LogLevel.Information, Message = "Redis reachable again")]
    private static partial void LogReachable(ILogger logger);

    [LoggerMessage(EventId = EventIds.FleetConnectFailed, Level = LogLevel.Warning, Message = "Could not set up the connection to Redis ({Reason}); trying again on the next use")]
    private static partial void LogConnectFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = EventIds.FleetLeaseLost, Level = LogLevel.Warning, Message = "The fetch lease of {Hex} was lost ({Reason}); another replica may take the fetch")]
    private static partial void LogLeaseLost(ILogger logger, string hex, string reason);

    [LoggerMessage(EventId = EventIds.FleetReleaseFailed, Level = LogLevel.Debug, Message = "Releasing the fetch lease of {Hex} failed ({Reason}); it expires by itself")]
    private static partial void LogReleaseFailed(ILogger logger, string hex, string reason);
}
