using System.Diagnostics;
using System.Net;
using Collage.Tests.Functional.Caching;
using Xunit.Abstractions;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// A fresh replica reads a blob another replica stored, and the bucket's GET body goes silent half-way: after
/// <c>cache.s3.requestTimeout</c> without a byte the replica goes on from the upstream, not after the upstream's
/// activity timeout (100 s) with its clients' transfers aborted.
/// </summary>
public sealed class SharedStalledReadTests(SharedStoresFixture stores, ITestOutputHelper output) : IClassFixture<SharedStoresFixture>
{
    private const int Length = 2_000_000;

    // Far below the activity timeout of 100 s, far above the request timeout of 2 s.
    private static readonly TimeSpan ClientPatience = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task Get_BucketBodyStallsMidway_ServedWholeFromUpstreamAfterTheRequestTimeout()
    {
        await using var rig = await FaultedBlob.StartAsync(stores, Length, 91, S3BodyFault.StallMidway, bRequestTimeout: "00:00:02");
        var (fleet, proxy, blob, digest, path, upstreamPath, b, upstreamBefore, proxyBefore) = rig;

        var clock = Stopwatch.StartNew();
        var pulls = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => FaultedReads.TryGetAsync(b, path)));
        var finished = await Task.WhenAny(pulls, Task.Delay(ClientPatience));
        var elapsed = clock.Elapsed;
        (finished == pulls).Should().BeTrue($"a silent bucket degrades to the upstream after its request timeout, within {ClientPatience.TotalSeconds} s");
        var outcomes = await pulls;
        await SharedFleet.SettledAsync(b);
        output.WriteLine($"4 clients in {elapsed.TotalSeconds:F1} s: {string.Join(", ", outcomes.Select(o => o.Status is { } s ? $"{(int)s} with {o.Body!.Length} bytes" : "aborted"))}; object GETs at the proxy {proxy.ObjectGets - proxyBefore} ({proxy.Faulted} stalled), blob GETs upstream {fleet.Upstream.Count("GET", upstreamPath) - upstreamBefore}");

        foreach (var outcome in outcomes)
        {
            outcome.ShouldBeRightOrAborted(blob);
            outcome.Status.Should().Be(HttpStatusCode.OK, "the fetch went on from the upstream");
        }

        (proxy.ObjectGets - proxyBefore).Should().Be(1, "the four share one fetch, which read the bucket once");
        fleet.Upstream.Count("GET", upstreamPath).Should().Be(upstreamBefore + 1, "and then the upstream once");
        var proxyAfter = proxy.ObjectGets;
        await FaultedReads.ShouldServeAsync(b, path, blob, "the blob B verified is in its cache");
        proxy.ObjectGets.Should().Be(proxyAfter, "the second pull is a hit on B's own copy");
        (await FaultedReads.BucketCopyAsync(fleet, blob)).Should().Equal(blob, "a stalled read damages nothing in the bucket");
    }
}
