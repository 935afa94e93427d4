using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Referrers;

/// <summary>The referrers responder's log lines. Upstream authorities and upstream names only: no URL, token or body.</summary>
internal sealed partial class ReferrersLog(ILogger logger)
{
    public void Emulated(string upstream, string name, int status) => LogEmulated(logger, upstream, name, status);

    public void TagNotAnIndex(string upstream, string name) => LogTagNotAnIndex(logger, upstream, name);

    public void DigestMismatch(string upstream, string name, string what) => LogDigestMismatch(logger, upstream, name, what);

    public void Failed(string upstream, string name, string reason) => LogFailed(logger, upstream, name, reason);

    [LoggerMessage(EventId = EventIds.ReferrersEmulated, Level = LogLevel.Debug, Message = "Upstream {Upstream} answered {Status} to the referrers API for {Name}; answering from the referrers tag schema")]
    private static partial void LogEmulated(ILogger logger, string upstream, string name, int status);

    [LoggerMessage(EventId = EventIds.ReferrersTagNotAnIndex, Level = LogLevel.Information, Message = "The referrers tag of a manifest in {Name} on upstream {Upstream} is not an image index; answering with no referrers")]
    private static partial void LogTagNotAnIndex(ILogger logger, string upstream, string name);

    [LoggerMessage(EventId = EventIds.ReferrersDigestMismatch, Level = LogLevel.Warning, Message = "Upstream {Upstream} sent a {What} for {Name} that does not match its digest; not used")]
    private static partial void LogDigestMismatch(ILogger logger, string upstream, string name, string what);

    [LoggerMessage(EventId = EventIds.ReferrersUpstreamFailed, Level = LogLevel.Warning, Message = "Listing referrers in {Name} on upstream {Upstream} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string upstream, string name, string reason);
}
