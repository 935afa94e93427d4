using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography;
using Collage.Tests.Caching.Storage;
using Collage.Transforms.Caching.Blobs;
using Collage.Transforms.Caching.Storage;

namespace Collage.Tests.Caching.Blobs;

public sealed class BlobFillTests
{
    private const string Repository = "registry.test/team/web";
    private const int Length = 1000;

    [Fact]
    public async Task WaitBeyondAsync_EveryByteArrivedButNotVerified_HoldsTheLastByteUntilTheDigestMatched()
    {
        await using var harness = new IndexHarness();
        var index = harness.Open(1_000_000);
        var content = RandomNumberGenerator.GetBytes(Length);
        var (fill, run, upstream) = Start(harness, index, content, Hex(content));

        await upstream.WriteAsync(content);
        var readable = await ReadableAsync(fill, Length - 1);
        var last = fill.WaitBeyondAsync(Length - 1, CancellationToken.None).AsTask();

        readable.Should().Be(Length - 1, "every byte but the last may be read before the digest is known");
        last.IsCompleted.Should().BeFalse("the last byte waits for the verdict");
        fill.Verified.Should().BeFalse();
        await upstream.CompleteAsync();
        (await last.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be(Length);
        (await fill.WaitBeyondAsync(Length, CancellationToken.None)).Should().Be(Length, "at the verified end it returns the position itself");
        fill.Verified.Should().BeTrue();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        File.ReadAllBytes(harness.Store.PathOf(Hex(content))).Should().Equal(content);
        index.IsGranted(Hex(content), Repository).Should().BeTrue();
        index.Size.Should().Be(Length);
    }

    [Fact]
    public async Task WaitBeyondAsync_WrongBytes_LastByteNeverReleasedAndNothingStored()
    {
        await using var harness = new IndexHarness();
        var index = harness.Open(1_000_000);
        var content = RandomNumberGenerator.GetBytes(Length);
        var wrong = (byte[])content.Clone();
        wrong[^1] ^= 0x01;
        var (fill, run, upstream) = Start(harness, index, wrong, Hex(content));

        await upstream.WriteAsync(wrong);
        (await ReadableAsync(fill, Length - 1)).Should().Be(Length - 1);
        var last = fill.WaitBeyondAsync(Length - 1, CancellationToken.None).AsTask();
        await upstream.CompleteAsync();

        await last.Awaiting(t => t.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<FillFailedException>();
        await fill.Awaiting(f => f.WaitBeyondAsync(0, CancellationToken.None).AsTask()).Should().ThrowAsync<FillFailedException>();
        fill.Verified.Should().BeFalse();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        harness.Store.Enumerate().Should().BeEmpty();
        Directory.GetFiles(Path.Combine(harness.Folder, "spool")).Should().BeEmpty();
        index.Count.Should().Be(0);
        index.Size.Should().Be(0, "the reservation was returned");
    }

    [Fact]
    public async Task RunAsync_UpstreamError_HeadFailedAndReadersThrow()
    {
        await using var harness = new IndexHarness();
        var index = harness.Open(1_000_000);
        var fill = new BlobFill(Hex([1]), Repository);

        await fill.RunAsync(Context(harness, index, _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("{}") })));

        (await fill.Head).Should().BeOfType<FillHead.Failed>().Which.Status.Should().Be(404);
        await fill.Awaiting(f => f.WaitBeyondAsync(0, CancellationToken.None).AsTask()).Should().ThrowAsync<FillFailedException>();
    }

    [Theory]
    [InlineData(true, 100)]
    [InlineData(false, 1_000_000)]
    public async Task RunAsync_TooLargeOrWithoutLength_BypassedNeitherSpooledNorStored(bool withLength, long maxSize)
    {
        await using var harness = new IndexHarness();
        var index = harness.Open(maxSize);
        var content = RandomNumberGenerator.GetBytes(Length);
        var (fill, run, upstream) = Start(harness, index, content, Hex(content), withLength);

        await run.WaitAsync(TimeSpan.FromSeconds(10));

        (await fill.Head).Should().BeOfType<FillHead.Bypass>("maxSize counts spool files: what cannot be reserved is forwarded");
        fill.Spool.Should().BeNull();
        Directory.GetFiles(Path.Combine(harness.Folder, "spool")).Should().BeEmpty();
        index.Size.Should().Be(0);
        await upstream.CompleteAsync();
    }

    private static (BlobFill Fill, Task Run, PipeWriter Upstream) Start(IndexHarness harness, CacheIndex index, byte[] body, string hex, bool withLength = true)
    {
        var pipe = new Pipe();
        var content = new StreamContent(pipe.Reader.AsStream());
        if (withLength)
        {
            content.Headers.ContentLength = body.Length;
        }

        var fill = new BlobFill(hex, Repository);
        var run = fill.RunAsync(Context(harness, index, _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content })));
        return (fill, run, pipe.Writer);
    }

    private static BlobFillContext Context(IndexHarness harness, CacheIndex index, Func<CancellationToken, Task<HttpResponseMessage>> send) =>
        new(send, "registry.test", TimeSpan.FromSeconds(30), CancellationToken.None, harness.Store, index, harness.Metrics, harness.Log);

    // Follows the fill as a reader does, until it may read up to <target> (or the fill ends).
    private static async Task<long> ReadableAsync(BlobFill fill, long target)
    {
        long readable = 0;
        while (readable < target)
        {
            readable = await fill.WaitBeyondAsync(readable, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }

        return readable;
    }

    private static string Hex(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
