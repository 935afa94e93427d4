using Collage.Transforms.Caching.Storage;

namespace Collage.Tests.Caching.Storage;

public sealed class CacheIndexTests
{
    [Fact]
    public async Task TryReserve_WithinLimit_CountsTowardSizeUntilReleased()
    {
        await using var harness = new IndexHarness();
        var index = harness.Open(1000);

        index.TryReserve(600).Should().BeTrue();
        index.Size.Should().Be(600);
        index.TryReserve(600).Should().BeFalse("spool space reserved counts: 1200 would pass the limit and nothing can be evicted");
        index.Release(600);

        index.Size.Should().Be(0);
        index.TryReserve(1000).Should().BeTrue();
    }

    [Fact]
    public async Task TryReserve_LargerThanLimit_FalseAndNothingEvicted()
    {
        await using var harness = new IndexHarness();
        var index = harness.Open(1000);
        harness.Add(index, IndexHarness.Hex("a"), 100);

        index.TryReserve(1001).Should().BeFalse();

        index.Count.Should().Be(1);
    }

    [Fact]
    public async Task TryReserve_Full_EvictsLeastRecentlyReadFirst()
    {
        await using var harness = new IndexHarness();
        var index = harness.Open(1000);
        string[] hexes = [IndexHarness.Hex("old"), IndexHarness.Hex("middle"), IndexHarness.Hex("new")];
        foreach (var hex in hexes)
        {
            harness.Add(index, hex, 300);
            harness.Time.Advance(TimeSpan.FromMinutes(1));
        }

        // Reading the oldest makes it the most recent: "middle" is now the least recently read.
        index.TryPin(hexes[0])!.Unpin();
        index.TryReserve(300).Should().BeTrue();

        index.TryPin(hexes[1]).Should().BeNull();
        File.Exists(harness.Store.PathOf(hexes[1])).Should().BeFalse();
        index.TryPin(hexes[0]).Should().NotBeNull();
        index.TryPin(hexes[2]).Should().NotBeNull();
        index.Size.Should().Be(900, "600 held and 300 reserved");
    }

    [Fact]
    public async Task TryReserve_Full_EvictsDownToNinetyPercentNotJustEnough()
    {
        await using var harness = new IndexHarness();
        var index = harness.Open(1000);
        for (var i = 0; i < 20; i++)
        {
            harness.Add(index, IndexHarness.Hex($"item{i}"), 50);
            harness.Time.Advance(TimeSpan.FromSeconds(1));
        }

        index.TryReserve(10).Should().BeTrue();

        index.Count.Should().Be(18, "one eviction would have made room; the low-water mark is 900 bytes");
        index.TryPin(IndexHarness.Hex("item0")).Should().BeNull();
        index.TryPin(IndexHarness.Hex("item1")).Should().BeNull();
        index.TryPin(IndexHarness.Hex("item2")).Should().NotBeNull();
    }

    [Fact]
    public async Task TryReserve_PinnedContent_NeverEvicted()
    {
        await using var harness = new IndexHarness();
        var index = harness.Open(1000);
        var pinnedHex = IndexHarness.Hex("pinned");
        harness.Add(index, pinnedHex, 500);
        var pinned = index.TryPin(pinnedHex)!;
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        harness.Add(index, IndexHarness.Hex("other"), 500);

        index.TryReserve(500).Should().BeTrue("the unpinned one makes room");
        index.Release(500);
        index.TryReserve(600).Should().BeFalse("the only content left is being read");

        var again = index.TryPin(pinnedHex);
        again.Should().NotBeNull();
        again!.Unpin();
        File.Exists(harness.Store.PathOf(pinnedHex)).Should().BeTrue();
        pinned.Unpin();
        index.TryReserve(600).Should().BeTrue();
        index.TryPin(pinnedHex).Should().BeNull("unpinned, it may go");
    }

    [Fact]
    public async Task Commit_SameContentTwice_CountedOnce()
    {
        await using var harness = new IndexHarness();
        var index = harness.Open(1000);
        var hex = IndexHarness.Hex("twice");
        harness.Add(index, hex, 100);

        harness.Add(index, hex, 100);

        index.Count.Should().Be(1);
        index.Size.Should().Be(100);
    }

    [Fact]
    public async Task Load_RowsWithoutFilesAndFilesWithoutRows_BothDropped()
    {
        await using var harness = new IndexHarness();
        var index = harness.Open(10_000);
        string kept = IndexHarness.Hex("kept"), lost = IndexHarness.Hex("lost"), orphan = IndexHarness.Hex("orphan");
        harness.Add(index, kept, 10);
        harness.Add(index, lost, 20);
        index.Grant(kept, "registry/team/a");
        index.Grant(lost, "registry/team/a");
        index.PutTag("registry/team/a:v1|*", new TagAnswer(kept, "application/vnd.oci.image.manifest.v1+json", 42));
        await harness.CloseAsync();

        File.Delete(harness.Store.PathOf(lost));
        harness.Write(orphan, 5);
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(harness.Store.PathOf(kept))!, "not-a-digest"), [1]);
        harness.Store.CreateSpool(IndexHarness.Hex("crashed"), 7).Handle.Dispose();
        var reloaded = harness.Open(10_000);

        reloaded.Count.Should().Be(1);
        reloaded.Size.Should().Be(10);
        reloaded.IsGranted(kept, "registry/team/a").Should().BeTrue();
        reloaded.GetTag("registry/team/a:v1|*").Should().Be(new TagAnswer(kept, "application/vnd.oci.image.manifest.v1+json", 42));
        harness.Store.Enumerate().Should().BeEquivalentTo([kept, "not-a-digest"], "only files named by a digest are the cache's to delete");
        Directory.GetFiles(Path.Combine(harness.Folder, "spool")).Should().BeEmpty();
        await harness.CloseAsync();
        using var database = new IndexDatabase(harness.DatabasePath);
        database.ReadContent().Select(c => c.Hex).Should().Equal(kept);
        database.ReadGrants().Should().Equal((kept, "registry/team/a"));
    }

    [Fact]
    public async Task Load_HundredThousandEntries_AllLoadedAndOnlyTheMismatchedDropped()
    {
        const int Entries = 100_000;
        await using var harness = new IndexHarness(inMemory: true);
        var operations = new List<IndexOperation>(Entries + 100);
        long expectedSize = 0;
        for (var i = 0; i < Entries; i++)
        {
            var hex = IndexHarness.Hex($"content{i}");
            var size = (i % 7) + 1;
            operations.Add(new IndexOperation.PutContent(hex, size, null, i));
            WriteFile(harness.Store.PathOf(hex), size);
            expectedSize += size;
        }

        for (var i = 0; i < 100; i++)
        {
            // A hundred rows whose file is gone, a hundred files no row names.
            operations.Add(new IndexOperation.PutContent(IndexHarness.Hex($"row-only{i}"), 3, null, 0));
            WriteFile(harness.Store.PathOf(IndexHarness.Hex($"file-only{i}")), 3);
        }

        using (var database = new IndexDatabase(harness.DatabasePath))
        {
            database.Apply(operations);
        }

        var index = harness.Open(long.MaxValue);

        index.Count.Should().Be(Entries);
        index.Size.Should().Be(expectedSize);
        harness.Store.Enumerate().Count().Should().Be(Entries);
        index.TryPin(IndexHarness.Hex("content99999")).Should().NotBeNull();
        index.TryPin(IndexHarness.Hex("row-only0")).Should().BeNull();
    }

    private static void WriteFile(string path, int size)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[size]);
    }
}
