using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography;
using Collage.Tests.Caching.Storage;
using Collage.Transforms.Caching.Blobs;

namespace Collage.Tests.Caching.Blobs;

/// <summary>A fetch whose upstream or disk fails: its readers never finish on unverified bytes, and nothing is stored.</summary>
public sealed class BlobFillFailureTests
{
    private const string Repository = "registry.test/team/web";
    private const int Length = 4000;

    [Fact]
    public async Task RunAsync_UpstreamResetsMidBody_ReadersThrowAndNothingStored()
    {
        await using var harness = new IndexHarness();
        var index = harness.Open(1_000_000);
        var content = RandomNumberGenerator.GetBytes(Length);
        var pipe = new Pipe();
        var fill = new BlobFill(Convert.ToHexStringLower(SHA256.HashData(content)), Repository);
        var run = fill.RunAsync(Context(harness, index, Ok(pipe, Length)));

        await pipe.Writer.WriteAsync(content.AsMemory(0, Length / 2));
        (await fill.WaitBeyondAsync(0, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Should().BeGreaterThan(0, "the first half reached the readers");
        await pipe.Writer.CompleteAsync(new IOException("Connection reset by peer"));
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        await fill.Awaiting(f => f.WaitBeyondAsync(Length / 2, CancellationToken.None).AsTask()).Should().ThrowAsync<FillFailedException>();
        fill.Verified.Should().BeFalse();
        harness.Store.Enumerate().Should().BeEmpty();
        Directory.GetFiles(Path.Combine(harness.Folder, "spool")).Should().BeEmpty();
        index.Size.Should().Be(0, "the reservation was returned");
    }

    [Fact]
    public async Task RunAsync_SpoolFolderGone_BypassedSoClientsStreamFromTheUpstream()
    {
        await using var harness = new IndexHarness();
        var index = harness.Open(1_000_000);
        Directory.Delete(Path.Combine(harness.Folder, "spool"));
        var pipe = new Pipe();
        var fill = new BlobFill(IndexHarness.Hex("gone"), Repository);

        await fill.RunAsync(Context(harness, index, Ok(pipe, Length))).WaitAsync(TimeSpan.FromSeconds(10));

        (await fill.Head).Should().BeOfType<FillHead.Bypass>("a cache that cannot write degrades to streaming, never to a client error");
        index.Size.Should().Be(0);
        await pipe.Writer.CompleteAsync();
    }

    private static Func<CancellationToken, Task<HttpResponseMessage>> Ok(Pipe pipe, long length) => _ =>
    {
        var content = new StreamContent(pipe.Reader.AsStream());
        content.Headers.ContentLength = length;
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
    };

    private static BlobFillContext Context(IndexHarness harness, Transforms.Caching.Storage.CacheIndex index, Func<CancellationToken, Task<HttpResponseMessage>> send) =>
        new(send, "registry.test", TimeSpan.FromSeconds(30), CancellationToken.None, harness.Store, index, harness.Metrics, harness.Log);
}
