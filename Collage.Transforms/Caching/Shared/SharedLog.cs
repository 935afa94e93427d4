using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// The log lines of the shared cache's use of S3 and Redis: what degraded to streaming and why, a lease handed over,
/// an upload that failed. Named by digest and store kind only: no endpoint, bucket key or credential.
/// </summary>
internal sealed partial class SharedLog(ILogger logger)
{
    public void Degraded(string store, string operation, string reason) => LogDegraded(logger, store, operation, reason);

    public void UploadFailed(string digest, string reason) => LogUploadFailed(logger, digest, reason);

    public void SharedCopyCorrupt(string digest) => LogSharedCopyCorrupt(logger, digest);

    public void WaitTimedOut(string digest, double seconds) => LogWaitTimedOut(logger, digest, seconds);

    public void Evicted(int objects, long bytes, long total, long maxSize) => LogEvicted(logger, objects, bytes, total, maxSize);

    public void Opened(string store, bool fleet) => LogOpened(logger, store, fleet);

    public void FillSource(string digest, string source) => LogFillSource(logger, digest, source);

    [LoggerMessage(EventId = EventIds.SharedCacheFillSource, Level = LogLevel.Debug, Message = "The fetch of {Digest} reads from {Source}")]
    private static partial void LogFillSource(ILogger logger, string digest, string source);

    [LoggerMessage(EventId = EventIds.SharedCacheDegraded, Level = LogLevel.Warning, Message = "The shared cache's {Store} failed during {Operation} ({Reason}); this request streams from the upstream instead")]
    private static partial void LogDegraded(ILogger logger, string store, string operation, string reason);

    [LoggerMessage(EventId = EventIds.SharedCacheUploadFailed, Level = LogLevel.Warning, Message = "Uploading {Digest} to the shared store failed ({Reason}); it stays in this replica's cache only")]
    private static partial void LogUploadFailed(ILogger logger, string digest, string reason);

    [LoggerMessage(EventId = EventIds.SharedCacheCopyCorrupt, Level = LogLevel.Error, Message = "The shared store's copy of {Digest} does not match its digest; it was deleted and fetched from the upstream")]
    private static partial void LogSharedCopyCorrupt(ILogger logger, string digest);

    [LoggerMessage(EventId = EventIds.SharedCacheWaitTimedOut, Level = LogLevel.Information, Message = "Another replica's fetch of {Digest} did not finish within {Seconds:F0} s; fetching it here too")]
    private static partial void LogWaitTimedOut(ILogger logger, string digest, double seconds);

    [LoggerMessage(EventId = EventIds.SharedCacheEvicted, Level = LogLevel.Information, Message = "Evicted {Objects} objects ({Bytes} bytes) from the shared store, which held {Total} bytes of {MaxSize}")]
    private static partial void LogEvicted(ILogger logger, int objects, long bytes, long total, long maxSize);

    [LoggerMessage(EventId = EventIds.SharedCacheOpened, Level = LogLevel.Information, Message = "Shared cache: content in {Store}, replicas coordinated through Redis: {Fleet}")]
    private static partial void LogOpened(ILogger logger, string store, bool fleet);
}
