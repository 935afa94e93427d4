using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Caching;

/// <summary>The pull-through cache's log lines, in one place. No URL, token or credential is ever logged.</summary>
internal sealed partial class CacheLog(ILogger logger)
{
    public void Opened(string path, int items, long bytes, long maxSize, double milliseconds) =>
        LogOpened(logger, path, items, bytes, maxSize, milliseconds);

    public void DigestMismatch(string upstream, string digest) => LogDigestMismatch(logger, upstream, digest);

    public void FillFailed(string upstream, string reason) => LogFillFailed(logger, upstream, reason);

    public void StoreFailed(string reason) => LogStoreFailed(logger, reason);

    public void ServedStale(string upstream, string name, string reason) => LogServedStale(logger, upstream, name, reason);

    [LoggerMessage(EventId = EventIds.CacheOpened, Level = LogLevel.Information, Message = "Pull-through cache at {Path}: {Items} items, {Bytes} of {MaxSize} bytes, index loaded in {Milliseconds:F0} ms")]
    private static partial void LogOpened(ILogger logger, string path, int items, long bytes, long maxSize, double milliseconds);

    [LoggerMessage(EventId = EventIds.CacheDigestMismatch, Level = LogLevel.Warning, Message = "Upstream {Upstream} sent bytes that do not match {Digest}; every transfer of it was aborted and nothing was stored")]
    private static partial void LogDigestMismatch(ILogger logger, string upstream, string digest);

    [LoggerMessage(EventId = EventIds.CacheFillFailed, Level = LogLevel.Warning, Message = "Fetching a blob from upstream {Upstream} failed ({Reason}); its readers' transfers were aborted")]
    private static partial void LogFillFailed(ILogger logger, string upstream, string reason);

    [LoggerMessage(EventId = EventIds.CacheStoreFailed, Level = LogLevel.Warning, Message = "The cache could not store content ({Reason}); serving from the upstream instead")]
    private static partial void LogStoreFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = EventIds.CacheServedStale, Level = LogLevel.Information, Message = "Upstream {Upstream} failed ({Reason}); served the cached answer for {Name}")]
    private static partial void LogServedStale(ILogger logger, string upstream, string name, string reason);
}
