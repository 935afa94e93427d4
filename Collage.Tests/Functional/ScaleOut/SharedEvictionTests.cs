using System.Net;
using System.Security.Cryptography;
using Collage.Tests.Functional.Caching;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// <c>cache.maxSize</c> bounds the bucket for the whole fleet: past it, a replica's upload brings the prefix back under
/// the limit. With Redis the least recently read object goes first (a replica's fill from the bucket counts as a
/// read); without it the oldest upload, found by listing the prefix.
/// </summary>
public sealed class SharedEvictionTests(SharedStoresFixture stores) : IClassFixture<SharedStoresFixture>
{
    // Three fit under 2 MiB, four do not; deleting one brings four under the 90 % low-water mark.
    private const int Length = 600 * 1024;
    private const long MaxSize = 2L << 20;

    [Fact]
    public async Task Upload_FleetOverMaxSizeWithRedis_LeastRecentlyReadObjectEvicted()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var fleet = await SharedFleet.StartAsync(stores);
        var a = await fleet.StartReplicaAsync(maxSize: "2MiB", time: time);
        var b = await fleet.StartReplicaAsync(maxSize: "2MiB", time: time);
        var digests = Enumerable.Range(1, 4).Select(i => fleet.Upstream.AddBlob("team-a/web", FakeOciRegistry.Content(Length, seed: 70 + i))).ToList();

        for (var i = 0; i < 3; i++)
        {
            await PullAsync(a, digests[i]);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        // B reads the oldest upload from the bucket: it is now the most recently read of the three.
        await PullAsync(b, digests[0]);
        (await fleet.ListAsync()).Should().HaveCount(3, "three blobs fit under maxSize");

        // Past the interval between two checks of the fleet's byte count, the fourth upload finds the bucket over.
        time.Advance(TimeSpan.FromSeconds(10));
        await PullAsync(a, digests[3]);

        var listed = await UnderMaxSizeAsync(fleet);
        listed.Select(o => o.Hex).Should().BeEquivalentTo(
            [SharedFleet.HexOf(digests[0]), SharedFleet.HexOf(digests[2]), SharedFleet.HexOf(digests[3])],
            "the second upload was read least recently (the first was read by B since), and one deletion was enough");
    }

    [Fact]
    public async Task Upload_FirstAfterStartWithoutRedis_ListsThePrefixAndEvictsTheOldestUpload()
    {
        await using var fleet = await SharedFleet.StartAsync(stores, redis: false);
        using var store = fleet.Store();
        var planted = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            if (i > 0)
            {
                // Not a stand-in for a signal: S3 lists upload times to the second at best, and the order must show.
                await Task.Delay(TimeSpan.FromMilliseconds(1100));
            }

            planted.Add(await PlantAsync(store, FakeOciRegistry.Content(Length, seed: 80 + i)));
        }

        var uploaded = (await fleet.ListAsync()).ToDictionary(o => o.Hex, o => o.Uploaded);
        uploaded[planted[0]].Should().BeBefore(uploaded[planted[1]], "precondition: the listing orders the uploads");
        uploaded[planted[1]].Should().BeBefore(uploaded[planted[2]]);

        // The listing runs at the first upload after start, then at most every SharedEviction.ListingInterval
        // (5 minutes): this test uses that first one.
        var a = await fleet.StartReplicaAsync(maxSize: "2MiB");
        var digest = fleet.Upstream.AddBlob("team-a/web", FakeOciRegistry.Content(Length, seed: 90));
        await PullAsync(a, digest);

        var listed = await UnderMaxSizeAsync(fleet);
        listed.Select(o => o.Hex).Should().BeEquivalentTo([planted[1], planted[2], SharedFleet.HexOf(digest)], "the oldest upload went first");
    }

    private static async Task PullAsync(Infrastructure.CollageServer replica, string digest)
    {
        using (var response = await replica.Client.GetAsync($"/v2/a/web/blobs/{digest}"))
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            (await response.Content.ReadAsByteArrayAsync()).Should().HaveCount(Length);
        }

        await SharedFleet.SettledAsync(replica);
    }

    private static async Task<string> PlantAsync(Collage.Transforms.Caching.Shared.S3ContentStore store, byte[] bytes)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var file = Path.Combine(Path.GetTempPath(), $"collage-plant-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(file, bytes);
        try
        {
            await store.UploadAsync(hex, file, bytes.Length, CancellationToken.None);
        }
        finally
        {
            File.Delete(file);
        }

        return hex;
    }

    private static async Task<IReadOnlyList<Collage.Transforms.Caching.Shared.SharedObjectInfo>> UnderMaxSizeAsync(SharedFleet fleet)
    {
        var listed = await Observability.Eventually.GetAsync(fleet.ListAsync, l => l.Sum(o => o.Length) <= MaxSize, TimeSpan.FromSeconds(20));
        listed.Sum(o => o.Length).Should().BeLessThanOrEqualTo(MaxSize, "the eviction should have brought the bucket back under maxSize");
        return listed;
    }
}
