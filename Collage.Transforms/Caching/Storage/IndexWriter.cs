using System.Threading.Channels;
using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Caching.Storage;

/// <summary>
/// The one writer of the <see cref="IndexDatabase"/>: changes are queued by requests and fetches and written in
/// batches, one transaction each, off the request path. A failing database is logged and skipped: the in-memory index
/// keeps serving, and what was not written costs an upstream request after a restart, never a wrong answer.
/// </summary>
internal sealed partial class IndexWriter : IAsyncDisposable
{
    private readonly Channel<IndexOperation> _queue = Channel.CreateUnbounded<IndexOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IndexDatabase _database;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private int _failures;

    public IndexWriter(IndexDatabase database, ILogger logger)
    {
        _database = database;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues <paramref name="operation"/>.</summary>
    public void Enqueue(IndexOperation operation) => _queue.Writer.TryWrite(operation);

    /// <summary>Writes what is queued and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        _database.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new List<IndexOperation>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < 4096 && _queue.Reader.TryRead(out var operation))
            {
                batch.Add(operation);
            }

            try
            {
                _database.Apply(batch);
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
            {
                // Logged once per run of failures, not once per batch: a full disk would otherwise flood the log.
                if (Interlocked.Increment(ref _failures) == 1)
                {
                    LogIndexWriteFailed(_logger, ex.Message);
                }
            }

            batch.Clear();
        }
    }

    [LoggerMessage(EventId = EventIds.CacheIndexWriteFailed, Level = LogLevel.Warning, Message = "The cache index could not be written ({Reason}); the cache keeps serving from memory")]
    private static partial void LogIndexWriteFailed(ILogger logger, string reason);
}
