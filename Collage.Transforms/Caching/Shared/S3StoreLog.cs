using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// The shared S3 store's log lines. They name the bucket, an operation and the kind of a failure, never the endpoint
/// (its URL may carry user info), a credential, or a presigned URL (it is a bearer credential for its lifetime).
/// </summary>
internal sealed partial class S3StoreLog(ILogger logger)
{
    public void Opened(string bucket, string prefix, string credentials) => LogOpened(logger, bucket, prefix, credentials);

    public void BreakerOpened(TimeSpan breakDuration, string kind) => LogBreakerOpened(logger, breakDuration.TotalSeconds, kind);

    public void BreakerHalfOpened() => LogBreakerHalfOpened(logger);

    public void BreakerClosed() => LogBreakerClosed(logger);

    public void RequestFailed(string operation, string kind) => LogRequestFailed(logger, operation, kind);

    public void AbortFailed(string kind) => LogAbortFailed(logger, kind);

    public void UploadSkipped(string hex, long length) => LogUploadSkipped(logger, hex, length);

    public void Uploaded(string hex, long length, int parts, double milliseconds) => LogUploaded(logger, hex, length, parts, milliseconds);

    [LoggerMessage(EventId = EventIds.SharedStoreOpened, Level = LogLevel.Information, Message = "Shared store: S3 bucket {Bucket}, prefix '{Prefix}', credentials from {Credentials}")]
    private static partial void LogOpened(ILogger logger, string bucket, string prefix, string credentials);

    [LoggerMessage(EventId = EventIds.SharedStoreBreakerOpened, Level = LogLevel.Warning, Message = "The shared store failed too often ({Kind}); its circuit is open for {Seconds:F0} s and the cache streams from the upstreams meanwhile")]
    private static partial void LogBreakerOpened(ILogger logger, double seconds, string kind);

    [LoggerMessage(EventId = EventIds.SharedStoreBreakerHalfOpened, Level = LogLevel.Information, Message = "The shared store's circuit is half-open: the next request probes it")]
    private static partial void LogBreakerHalfOpened(ILogger logger);

    [LoggerMessage(EventId = EventIds.SharedStoreBreakerClosed, Level = LogLevel.Information, Message = "The shared store answers again; its circuit is closed")]
    private static partial void LogBreakerClosed(ILogger logger);

    [LoggerMessage(EventId = EventIds.SharedStoreRequestFailed, Level = LogLevel.Debug, Message = "The shared store's {Operation} failed: {Kind}")]
    private static partial void LogRequestFailed(ILogger logger, string operation, string kind);

    [LoggerMessage(EventId = EventIds.SharedStoreAbortFailed, Level = LogLevel.Debug, Message = "Aborting a failed multipart upload failed ({Kind}); the bucket's lifecycle rule for incomplete uploads removes its parts")]
    private static partial void LogAbortFailed(ILogger logger, string kind);

    [LoggerMessage(EventId = EventIds.SharedStoreUploadSkipped, Level = LogLevel.Debug, Message = "sha256:{Hex} ({Length} bytes) is in the shared store already; not uploaded again")]
    private static partial void LogUploadSkipped(ILogger logger, string hex, long length);

    [LoggerMessage(EventId = EventIds.SharedStoreUploaded, Level = LogLevel.Debug, Message = "Uploaded sha256:{Hex} ({Length} bytes, {Parts} parts) to the shared store in {Milliseconds:F0} ms")]
    private static partial void LogUploaded(ILogger logger, string hex, long length, int parts, double milliseconds);
}
