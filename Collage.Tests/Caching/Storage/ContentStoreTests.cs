namespace Collage.Tests.Caching.Storage;

public sealed class ContentStoreTests
{
    [Fact]
    public async Task Commit_SpooledContent_MovesIntoBlobsUnderItsDigestAndLeavesNoSpoolFile()
    {
        await using var harness = new IndexHarness();
        var hex = IndexHarness.Hex("a");
        var spool = harness.Store.CreateSpool(hex, 3);
        RandomAccess.Write(spool.Handle, new byte[] { 1, 2, 3 }, 0);

        harness.Store.Commit(spool, hex);
        spool.Release();

        harness.Store.PathOf(hex).Should().Be(Path.Combine(harness.Folder, "blobs", "sha256", hex[..2], hex));
        File.ReadAllBytes(harness.Store.PathOf(hex)).Should().Equal(1, 2, 3);
        Directory.GetFiles(Path.Combine(harness.Folder, "spool")).Should().BeEmpty();
        using var file = harness.Store.TryOpen(hex);
        file.Should().NotBeNull();
    }

    [Fact]
    public async Task Release_UncommittedSpool_DeletesItOnlyAfterTheLastReader()
    {
        await using var harness = new IndexHarness();
        var spool = harness.Store.CreateSpool(IndexHarness.Hex("b"), 10);
        spool.TryAddReference().Should().BeTrue();

        spool.Release();
        File.Exists(spool.Path).Should().BeTrue("a reader still holds it");
        spool.Release();

        File.Exists(spool.Path).Should().BeFalse();
        spool.TryAddReference().Should().BeFalse("a closed spool takes no new reader");
        harness.Store.TryOpen(IndexHarness.Hex("b")).Should().BeNull();
    }

    [Fact]
    public async Task TryOpen_FileOfAnotherLengthThanItsEntry_IsDeletedNotServed()
    {
        await using var harness = new IndexHarness();
        var hex = IndexHarness.Hex("c");
        var spool = harness.Store.CreateSpool(hex, 3);
        RandomAccess.Write(spool.Handle, new byte[] { 1, 2, 3 }, 0);
        harness.Store.Commit(spool, hex);
        spool.Release();

        using (var right = harness.Store.TryOpen(hex, 3))
        {
            right.Should().NotBeNull();
        }

        File.WriteAllBytes(harness.Store.PathOf(hex), [1, 2]);

        harness.Store.TryOpen(hex, 3).Should().BeNull();
        File.Exists(harness.Store.PathOf(hex)).Should().BeFalse();
    }

    [Fact]
    public async Task SweepSpool_FilesLeftByACrash_DeletesEveryOneAndCountsThem()
    {
        await using var harness = new IndexHarness();
        harness.Store.CreateSpool(IndexHarness.Hex("c"), 5);
        harness.Store.CreateSpool(IndexHarness.Hex("d"), null);
        harness.Write(IndexHarness.Hex("e"), 4);

        var swept = harness.Store.SweepSpool();

        swept.Should().Be(2);
        Directory.GetFiles(Path.Combine(harness.Folder, "spool")).Should().BeEmpty();
        File.Exists(harness.Store.PathOf(IndexHarness.Hex("e"))).Should().BeTrue("committed content is not the spool's");
    }

    [Fact]
    public async Task Enumerate_CommittedContent_NamesOnlyNotTheSpool()
    {
        await using var harness = new IndexHarness();
        harness.Write(IndexHarness.Hex("f"), 7);
        harness.Write(IndexHarness.Hex("g"), 0);
        harness.Store.CreateSpool(IndexHarness.Hex("h"), 9);

        harness.Store.Enumerate().Should().BeEquivalentTo([IndexHarness.Hex("f"), IndexHarness.Hex("g")]);
    }

    [Fact]
    public async Task Delete_WhileAReaderHoldsTheFile_ReaderKeepsReadingAndNewOpensFail()
    {
        await using var harness = new IndexHarness();
        var hex = IndexHarness.Hex("i");
        harness.Write(hex, 16);
        using var reader = harness.Store.TryOpen(hex)!;

        harness.Store.Delete(hex);

        harness.Store.TryOpen(hex).Should().BeNull();
        RandomAccess.Read(reader, new byte[16], 0).Should().Be(16);
        harness.Store.Delete(hex);
    }
}
