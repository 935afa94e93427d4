using Collage.Tests.Common;
using Collage.Transforms.Caching.Storage;
using Collage.Transforms.Diagnostics;

namespace Collage.Tests.Caching.Storage;

public sealed class IndexWriterTests
{
    [Fact]
    public async Task Enqueue_DatabaseFails_LoggedOnceAndTheWriterKeepsGoing()
    {
        await using var harness = new IndexHarness();
        var database = new IndexDatabase(harness.DatabasePath);
        var logger = new RecordingLogger<IndexWriterTests>();
        var writer = new IndexWriter(database, logger);
        database.Dispose();

        for (var i = 0; i < 3; i++)
        {
            writer.Enqueue(new IndexOperation.Grant(IndexHarness.Hex($"x{i}"), "registry.test/team/web"));
            await Eventually(() => logger.Entries.Count > 0);
        }

        await writer.DisposeAsync();

        logger.Entries.Where(e => e.EventId.Id == EventIds.CacheIndexWriteFailed).Should().ContainSingle("a failing database is logged once, not once per batch");
    }

    // Bounded: the writer runs on its own task; this waits for its first batch, at most 10 s.
    private static async Task Eventually(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
        }
    }
}
