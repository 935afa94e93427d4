using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Groups;

/// <summary>The upstream groups' log lines: one per breaker state change, and failovers at debug. No URL or body.</summary>
internal sealed partial class GroupLog(ILogger logger)
{
    public void Opened(string upstream, TimeSpan breakDuration, string reason) => LogOpened(logger, upstream, breakDuration.TotalSeconds, reason);

    public void HalfOpened(string upstream) => LogHalfOpened(logger, upstream);

    public void Closed(string upstream) => LogClosed(logger, upstream);

    public void FailedOver(string group, string from, string to, string reason) => LogFailedOver(logger, group, from, to, reason);

    [LoggerMessage(EventId = EventIds.GroupMemberOpened, Level = LogLevel.Warning, Message = "Group member {Upstream} failed ({Reason}); its groups skip it for {Seconds:F0} s")]
    private static partial void LogOpened(ILogger logger, string upstream, double seconds, string reason);

    [LoggerMessage(EventId = EventIds.GroupMemberHalfOpened, Level = LogLevel.Information, Message = "Group member {Upstream}: one probe request may try it again")]
    private static partial void LogHalfOpened(ILogger logger, string upstream);

    [LoggerMessage(EventId = EventIds.GroupMemberClosed, Level = LogLevel.Information, Message = "Group member {Upstream} answers again; its groups use it")]
    private static partial void LogClosed(ILogger logger, string upstream);

    [LoggerMessage(EventId = EventIds.GroupFailedOver, Level = LogLevel.Debug, Message = "Group {Group}: {From} did not answer ({Reason}); asking {To}")]
    private static partial void LogFailedOver(ILogger logger, string group, string from, string to, string reason);
}
