using System.Net;
using Collage.Transforms.Caching.Shared;

namespace Collage.Tests.Caching.Shared;

public sealed class UpstreamFallbackBodyTests
{
    private static readonly byte[] Blob = Collage.Tests.Functional.Caching.FakeOciRegistry.Content(300_000, seed: 5);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Read_StoreFailsMidBody_RestComesFromTheUpstreamOnce(bool endEarly)
    {
        var upstreamCalls = 0;
        var failures = new List<Exception>();
        await using var body = new UpstreamFallbackBody(
            new BrokenBodyStream(Blob, 100_001, endEarly),
            Blob.Length,
            TimeSpan.FromSeconds(10),
            _ =>
            {
                upstreamCalls++;
                return Task.FromResult(Answer(HttpStatusCode.OK, Blob));
            },
            failures.Add);

        using var copy = new MemoryStream();
        await body.CopyToAsync(copy);

        copy.ToArray().Should().Equal(Blob, "the store's first bytes and the upstream's rest are the blob");
        upstreamCalls.Should().Be(1);
        failures.Should().ContainSingle().Which.Should().BeAssignableTo<IOException>();
    }

    [Fact]
    public async Task Read_StoreSilentMidBody_RestComesFromTheUpstreamAfterTheReadTimeout()
    {
        var failures = new List<Exception>();
        await using var body = new UpstreamFallbackBody(
            new BrokenBodyStream(Blob, 50_000, silent: true), Blob.Length, TimeSpan.FromMilliseconds(200), _ => Task.FromResult(Answer(HttpStatusCode.OK, Blob)), failures.Add);

        using var copy = new MemoryStream();
        await body.CopyToAsync(copy).WaitAsync(TimeSpan.FromSeconds(20));

        copy.ToArray().Should().Equal(Blob);
        failures.Should().ContainSingle().Which.Should().BeAssignableTo<OperationCanceledException>("the store went silent past its request timeout");
    }

    [Fact]
    public async Task Read_StoreWhole_UpstreamNeverAsked()
    {
        var upstreamCalls = 0;
        await using var body = new UpstreamFallbackBody(
            new MemoryStream(Blob),
            Blob.Length,
            TimeSpan.FromSeconds(10),
            _ =>
            {
                upstreamCalls++;
                return Task.FromResult(Answer(HttpStatusCode.OK, Blob));
            },
            _ => { });

        using var copy = new MemoryStream();
        await body.CopyToAsync(copy);

        copy.ToArray().Should().Equal(Blob);
        upstreamCalls.Should().Be(0);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, 299_999)]
    [InlineData(HttpStatusCode.NotFound, 300_000)]
    public async Task Read_UpstreamAnswersOtherThanTheBlob_Throws(HttpStatusCode status, int length)
    {
        await using var body = new UpstreamFallbackBody(
            new BrokenBodyStream(Blob, 1000), Blob.Length, TimeSpan.FromSeconds(10), _ => Task.FromResult(Answer(status, Blob[..length])), _ => { });

        var read = () => body.CopyToAsync(Stream.Null);

        await read.Should().ThrowAsync<IOException>("a fill whose source failed must fail, not end short or long");
    }

    [Fact]
    public async Task Read_CallersTokenCancelled_NoFallback()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var upstreamCalls = 0;
        await using var body = new UpstreamFallbackBody(
            new CancelledReadStream(),
            Blob.Length,
            TimeSpan.FromSeconds(10),
            _ =>
            {
                upstreamCalls++;
                return Task.FromResult(Answer(HttpStatusCode.OK, Blob));
            },
            _ => { });

        var read = async () => await body.ReadAsync(new byte[10], cancelled.Token);

        await read.Should().ThrowAsync<IOException>();
        upstreamCalls.Should().Be(0, "the fill's own timeout is not the store's failure");
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, byte[] content) => new(status) { Content = new ByteArrayContent(content) };
}
