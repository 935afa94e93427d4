using Collage.Tests.EndToEnd.Caching;
using Collage.Tests.EndToEnd.Infrastructure;
using Xunit.Abstractions;

namespace Collage.Tests.EndToEnd.ScaleOut;

/// <summary>
/// Replicas that share one cache (s3rver as the bucket, redis-server for coordination), pulled with real skopeo
/// processes: the real registry's access log counts the upstream GETs (issue 14).
/// </summary>
[Collection(CacheEndToEndCollection.Name)]
public sealed class FleetPullTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;

    [Theory]
    [InlineData("stream")]
    [InlineData("wait")]
    public async Task SkopeoCopy_TwoReplicasEightEachThroughColdFleet_OneUpstreamGetPerBlob(string followers)
    {
        using var work = TempDirectory.Create("fleet-pull");
        var layout = new OciImageLayout(work.Combine("layout"));
        var image = layout.AddImage("v1", [3 * MiB, 2 * MiB, 4 * MiB]);
        await using var registry = await DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "registry-fleet-pull" });
        using var skopeo = new Skopeo();
        await skopeo.CopyAsync(layout.Reference("v1"), registry.DockerReference("team/app", "v1"));
        await using var fleet = await FleetRig.StartAsync("fleet-pull", registry.HostPort);
        var replicas = new[] { await fleet.StartReplicaAsync(followers: followers), await fleet.StartReplicaAsync(followers: followers) };
        var before = (await registry.AccessLogBarrierAsync()).Count;

        // 16 copies, alternating replicas, all at once.
        var targets = Enumerable.Range(0, 16).Select(i => (Replica: replicas[i % 2], Target: work.Combine($"copy-{i}"))).ToList();
        ProcessResult[] copies;
        try
        {
            copies = await Task.WhenAll(targets.Select(t => skopeo.CopyAsync($"docker://{t.Replica.HostPort}/apps/app:v1", $"dir:{t.Target}")));
        }
        catch
        {
            output.WriteLine(string.Join(Environment.NewLine, replicas.Select(r => r.Describe())));
            throw;
        }

        output.WriteLine($"16 concurrent copies over 2 replicas, followers {followers}: {string.Join(", ", copies.Select(c => $"{c.Elapsed.TotalSeconds:F2} s"))}");

        foreach (var (_, target) in targets)
        {
            foreach (var blob in image.BlobDigests)
            {
                Sha256Digest.Of(await File.ReadAllBytesAsync(Path.Combine(target, Sha256Digest.Hex(blob)))).Should().Be(blob, "{0} of {1} must arrive intact", blob, target);
            }
        }

        var log = (await registry.AccessLogBarrierAsync()).Skip(before).ToList();
        output.WriteLine(string.Join(Environment.NewLine, log.Select(e => $"{e.Method} {e.Target} {e.Status}")));
        foreach (var blob in image.BlobDigests)
        {
            log.Count(e => e.Method == "GET" && e.Target == $"/v2/team/app/blobs/{blob}")
                .Should().Be(1, "16 clients on 2 replicas asked for {0} at once, and the fleet fetches each blob once", blob);
        }

        (await fleet.StoredObjectsAsync()).Should().Contain(image.BlobDigests.Select(Sha256Digest.Hex), "every verified blob was uploaded to the shared store");
    }

    [Fact]
    public async Task SkopeoCopy_SecondReplicaAfterFirst_BlobsFromTheBucketNotTheUpstream()
    {
        using var work = TempDirectory.Create("fleet-warm");
        var layout = new OciImageLayout(work.Combine("layout"));
        var image = layout.AddImage("v1", [2 * MiB, 1 * MiB]);
        await using var registry = await DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "registry-fleet-warm" });
        using var skopeo = new Skopeo();
        await skopeo.CopyAsync(layout.Reference("v1"), registry.DockerReference("team/app", "v1"));

        // Without Redis: the bucket alone carries the first replica's fetches to the second.
        await using var fleet = await FleetRig.StartAsync("fleet-warm", registry.HostPort, redis: false);
        var first = await fleet.StartReplicaAsync();
        await skopeo.CopyAsync($"docker://{first.HostPort}/apps/app:v1", $"dir:{work.Combine("first")}");
        await WaitForUploadsAsync(fleet, image.BlobDigests.Select(Sha256Digest.Hex).ToList());
        var second = await fleet.StartReplicaAsync();
        var before = (await registry.AccessLogBarrierAsync()).Count;

        await skopeo.CopyAsync($"docker://{second.HostPort}/apps/app:v1", $"dir:{work.Combine("second")}");

        foreach (var blob in image.BlobDigests)
        {
            Sha256Digest.Of(await File.ReadAllBytesAsync(Path.Combine(work.Combine("second"), Sha256Digest.Hex(blob)))).Should().Be(blob);
        }

        var log = (await registry.AccessLogBarrierAsync()).Skip(before).ToList();
        output.WriteLine(string.Join(Environment.NewLine, log.Select(e => $"{e.Method} {e.Target} {e.Status}")));
        log.Should().NotContain(e => e.Method == "GET" && e.Target.Contains("/blobs/", StringComparison.Ordinal), "the second replica read every blob from the bucket");
        (await second.MetricAsync("collage_cache_bytes_total")).Should().BeGreaterThan(0);
    }

    // The uploads run after the first pull's answers went out: wait for them (a bounded poll of the bucket's listing).
    private static async Task WaitForUploadsAsync(FleetRig fleet, IReadOnlyList<string> hexes)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var stored = await fleet.StoredObjectsAsync();
            if (hexes.All(stored.Contains))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the first replica's blobs never reached the shared store");
    }
}
