using Collage.Tests.Functional.Caching;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// The rig of the faulted-read tests: a fleet whose replica A stored a blob in the bucket through an
/// <see cref="S3FaultProxy"/> with no fault, a fresh replica B that will read it through the proxy, the counts at the
/// upstream and the proxy before B's first read, and the fault switched on.
/// </summary>
internal sealed record FaultedBlob(
    SharedFleet Fleet, S3FaultProxy Proxy, byte[] Blob, string Digest, string Path, string UpstreamPath, CollageServer B, int UpstreamBefore, int ProxyBefore)
    : IAsyncDisposable
{
    /// <summary>Starts the rig for a blob of <paramref name="length"/> bytes, then turns <paramref name="fault"/> on.</summary>
    public static async Task<FaultedBlob> StartAsync(SharedStoresFixture stores, int length, int seed, S3BodyFault fault, string bRequestTimeout = "00:00:10")
    {
        var fleet = await SharedFleet.StartAsync(stores);
        S3FaultProxy? proxy = null;
        try
        {
            proxy = await S3FaultProxy.StartAsync(stores.S3.Endpoint);
            var blob = FakeOciRegistry.Content(length, seed);
            var digest = fleet.Upstream.AddBlob("team-a/web", blob);
            var path = $"/v2/a/web/blobs/{digest}";
            var upstreamPath = $"/v2/team-a/web/blobs/{digest}";
            var (_, b) = await FaultedReads.StoredByAAsync(fleet, proxy, path, blob, bRequestTimeout);
            var rig = new FaultedBlob(fleet, proxy, blob, digest, path, upstreamPath, b, fleet.Upstream.Count("GET", upstreamPath), proxy.ObjectGets);
            proxy.Fault = fault;
            return rig;
        }
        catch
        {
            if (proxy is not null)
            {
                await proxy.DisposeAsync();
            }

            await fleet.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Fleet.DisposeAsync();
    }
}
