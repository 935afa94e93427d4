using System.Net;
using Collage.Tests.Functional.Caching;
using Xunit.Abstractions;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// A fresh replica reads a blob another replica stored, and the bucket's GET answers the right length with one byte
/// wrong: the bytes already streamed cannot be taken back, so the transfers are aborted (never ended cleanly with
/// wrong bytes), the copy is deleted, and a retry fetches from the upstream and stores a verified copy again.
/// </summary>
public sealed class SharedWrongBytesReadTests(SharedStoresFixture stores, ITestOutputHelper output) : IClassFixture<SharedStoresFixture>
{
    private const int Length = 2_000_000;

    [Fact]
    public async Task Get_BucketAnswersWrongBytes_AbortedThenRetryServedWholeAndBucketRepaired()
    {
        const int clients = 1;
        await using var rig = await FaultedBlob.StartAsync(stores, Length, 81, S3BodyFault.WrongBytes);
        var (fleet, proxy, blob, digest, path, upstreamPath, b, upstreamBefore, proxyBefore) = rig;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => FaultedReads.TryGetAsync(b, path)));
        await SharedFleet.SettledAsync(b);
        var deleted = await Observability.Eventually.GetAsync(() => FaultedReads.BucketCopyAsync(fleet, blob), copy => copy is null, TimeSpan.FromSeconds(20));
        var proxyGets = proxy.ObjectGets - proxyBefore;
        var upstreamGets = fleet.Upstream.Count("GET", upstreamPath) - upstreamBefore;
        output.WriteLine($"{clients} clients: {string.Join(", ", outcomes.Select(o => o.Status is { } s ? $"{(int)s} with {o.Body!.Length} bytes" : "aborted"))}; object GETs at the proxy {proxyGets} ({proxy.Faulted} corrupted), blob GETs upstream {upstreamGets}");

        foreach (var outcome in outcomes)
        {
            outcome.ShouldBeRightOrAborted(blob);
            outcome.Status.Should().NotBe(HttpStatusCode.OK, "the bytes read did not match the digest, so the transfer may not end cleanly");
        }

        proxyGets.Should().Be(1, "the fetch read the bucket once");
        upstreamGets.Should().Be(0, "the mismatch shows only at the end, when the bytes are out");
        deleted.Should().BeNull("the replica that found the mismatch deletes the copy it could not verify");
        SharedBlobAnswersTests.HoldsLocally(b, digest).Should().BeFalse("unverified bytes are never committed");

        // The fault stays on: the retry no longer finds a copy to read, so the upstream serves it.
        await FaultedReads.ShouldServeAsync(b, path, blob, "a retry fetches from the upstream");
        fleet.Upstream.Count("GET", upstreamPath).Should().Be(upstreamBefore + 1);
        await SharedFleet.SettledAsync(b);
        (await FaultedReads.BucketCopyAsync(fleet, blob)).Should().Equal(blob, "the verified refetch was uploaded again");
        var proxyAfterRetry = proxy.ObjectGets;
        await FaultedReads.ShouldServeAsync(b, path, blob, "the blob B verified is in its cache");
        proxy.ObjectGets.Should().Be(proxyAfterRetry, "the second pull is a hit on B's own copy");
        fleet.Upstream.Count("GET", upstreamPath).Should().Be(upstreamBefore + 1);
    }

    [Fact]
    public async Task Get_FourClientsWhileBucketAnswersWrongBytes_NoneGetsWrongBytesThenServedWhole()
    {
        await using var rig = await FaultedBlob.StartAsync(stores, Length, 84, S3BodyFault.WrongBytes);
        var (fleet, proxy, blob, digest, path, upstreamPath, b, upstreamBefore, proxyBefore) = rig;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => FaultedReads.TryGetAsync(b, path)));
        await SharedFleet.SettledAsync(b);
        output.WriteLine($"4 clients: {string.Join(", ", outcomes.Select(o => o.Status is { } s ? $"{(int)s} with {o.Body!.Length} bytes" : "aborted"))}; object GETs at the proxy {proxy.ObjectGets - proxyBefore} ({proxy.Faulted} corrupted), blob GETs upstream {fleet.Upstream.Count("GET", upstreamPath) - upstreamBefore}");

        // A client that came after the failed fetch (and the deletion) may have been served from the upstream; a client
        // of the failed fetch must not have seen its transfer end cleanly.
        foreach (var outcome in outcomes)
        {
            outcome.ShouldBeRightOrAborted(blob);
        }

        outcomes.Should().Contain(o => o.Status != HttpStatusCode.OK, "the first client met the corrupted read");
        proxy.Faulted.Should().BeGreaterThan(0);
        SharedBlobAnswersTests.HoldsLocally(b, digest).Should().Be(outcomes.Any(o => o.Status == HttpStatusCode.OK), "only a verified fetch is committed");

        // The fault stays on: a retry is served whole, from the upstream or from B's verified copy.
        await FaultedReads.ShouldServeAsync(b, path, blob, "a retry succeeds");
        await SharedFleet.SettledAsync(b);
        var repaired = await Observability.Eventually.GetAsync(() => FaultedReads.BucketCopyAsync(fleet, blob), copy => copy is not null, TimeSpan.FromSeconds(20));
        repaired.Should().Equal(blob, "the bucket ends with the verified blob");
        var upstreamAfterRetry = fleet.Upstream.Count("GET", upstreamPath);
        var proxyAfterRetry = proxy.ObjectGets;
        await FaultedReads.ShouldServeAsync(b, path, blob, "the blob B verified is in its cache");
        proxy.ObjectGets.Should().Be(proxyAfterRetry, "the second pull is a hit on B's own copy");
        fleet.Upstream.Count("GET", upstreamPath).Should().Be(upstreamAfterRetry);
    }
}
