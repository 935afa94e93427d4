using System.Net;
using Collage.Tests.Functional.Caching;
using Xunit.Abstractions;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// A fresh replica reads a blob another replica stored, and the bucket's GET body stops half-way (the connection
/// reset or closed after the headers and half the bytes): the bucket failing mid-body degrades to the upstream, the
/// client gets exactly the blob, and nothing wrong stays in the local cache or the bucket.
/// </summary>
public sealed class SharedCutReadTests(SharedStoresFixture stores, ITestOutputHelper output) : IClassFixture<SharedStoresFixture>
{
    private const int Length = 2_000_000;

    [Theory]
    [InlineData(S3BodyFault.CutThenReset)]
    [InlineData(S3BodyFault.CutThenClose)]
    public async Task Get_BucketBodyCutMidway_ServedWholeFromUpstreamAndNothingWrongKept(S3BodyFault fault)
    {
        await using var rig = await FaultedBlob.StartAsync(stores, Length, 61 + (int)fault, fault);
        var (fleet, proxy, blob, digest, path, upstreamPath, b, upstreamBefore, proxyBefore) = rig;

        var first = await FaultedReads.TryGetAsync(b, path);
        var retry = await FaultedReads.TryGetAsync(b, path);
        await SharedFleet.SettledAsync(b);
        output.WriteLine($"{fault}: first {Describe(first)}, retry {Describe(retry)}; object GETs at the proxy {proxy.ObjectGets - proxyBefore} ({proxy.Faulted} cut), blob GETs upstream {fleet.Upstream.Count("GET", upstreamPath) - upstreamBefore}");

        first.ShouldBeRightOrAborted(blob);
        proxy.Faulted.Should().BeGreaterThan(0, "B read the bucket, through the fault");
        retry.Status.Should().Be(HttpStatusCode.OK, "a store failing mid-body degrades to streaming from the upstream, not to client errors");
        retry.Body.Should().Equal(blob);

        var upstreamAfterRetry = fleet.Upstream.Count("GET", upstreamPath);
        var proxyAfterRetry = proxy.ObjectGets;
        await FaultedReads.ShouldServeAsync(b, path, blob, "the blob B verified is in its cache");
        proxy.ObjectGets.Should().Be(proxyAfterRetry, "the second pull is a hit on B's own copy");
        fleet.Upstream.Count("GET", upstreamPath).Should().Be(upstreamAfterRetry);
        (await FaultedReads.BucketCopyAsync(fleet, blob)).Should().Equal(blob, "a cut read damages nothing in the bucket");
    }

    [Fact]
    public async Task Get_FourClientsWhileBucketBodiesAreCut_NoneGetsWrongBytesThenServedWhole()
    {
        await using var rig = await FaultedBlob.StartAsync(stores, Length, 71, S3BodyFault.CutThenReset);
        var (fleet, proxy, blob, digest, path, upstreamPath, b, upstreamBefore, proxyBefore) = rig;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => FaultedReads.TryGetAsync(b, path)));
        await SharedFleet.SettledAsync(b);
        var proxyGets = proxy.ObjectGets - proxyBefore;
        var upstreamGets = fleet.Upstream.Count("GET", upstreamPath) - upstreamBefore;
        output.WriteLine($"4 clients: {string.Join(", ", outcomes.Select(Describe))}; object GETs at the proxy {proxyGets} ({proxy.Faulted} cut), blob GETs upstream {upstreamGets}");

        foreach (var outcome in outcomes)
        {
            outcome.ShouldBeRightOrAborted(blob);
        }

        outcomes.Should().OnlyContain(o => o.Status == HttpStatusCode.OK, "the fetch the four share went on from the upstream when the bucket failed");
        proxyGets.Should().Be(1, "the four share one fetch, which read the bucket once");
        upstreamGets.Should().Be(1, "and then the upstream once");
        await FaultedReads.ShouldServeAsync(b, path, blob, "the blob B verified is in its cache");
        proxy.ObjectGets.Should().Be(proxyBefore + proxyGets);
        (await FaultedReads.BucketCopyAsync(fleet, blob)).Should().Equal(blob);
    }

    private static string Describe((HttpStatusCode? Status, byte[]? Body) outcome) =>
        outcome.Status is { } status ? $"{(int)status} with {outcome.Body!.Length} bytes{(outcome.Body.Length == Length ? "" : " (short)")}" : "aborted";
}
