using System.Security.Cryptography;
using Collage.Tests.EndToEnd.Caching;
using Collage.Tests.EndToEnd.Infrastructure;
using Xunit.Abstractions;

namespace Collage.Tests.EndToEnd.ScaleOut;

/// <summary>
/// What a fleet does when one of its parts fails: the replica holding a fetch lease is killed mid-fetch, the shared
/// store stops, Redis stops. Every client completes with the right bytes or sees an aborted transfer; no client error
/// comes from the cache (issue 14).
/// </summary>
[Collection(CacheEndToEndCollection.Name)]
public sealed class FleetFailureTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;

    [Theory]
    [InlineData("wait")]
    [InlineData("stream")]
    public async Task Get_LeaseHolderKilledMidFetch_OtherReplicaTakesOverAndServesTheRightBytes(string followers)
    {
        using var work = TempDirectory.Create("fleet-kill");
        var layout = new OciImageLayout(work.Combine("layout"));
        var image = layout.AddImage("v1", [8 * MiB]);
        await using var registry = await DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "registry-fleet-kill" });
        using var skopeo = new Skopeo();
        await skopeo.CopyAsync(layout.Reference("v1"), registry.DockerReference("team/app", "v1"));
        var blob = image.LayerDigests.Single();
        await using var relay = await GatedRelay.StartAsync(registry.BaseUri, $"/v2/team/app/blobs/{blob}");
        await using var fleet = await FleetRig.StartAsync("fleet-kill", relay.Authority);
        var holder = await fleet.StartReplicaAsync(leaseTime: "00:00:02", followers: followers);
        var other = await fleet.StartReplicaAsync(leaseTime: "00:00:02", followers: followers);

        // The holder's client gets the first MiB, then the relay holds the rest: the holder's lease is taken.
        var holderResponse = await holder.Client.GetAsync($"/v2/apps/app/blobs/{blob}", HttpCompletionOption.ResponseHeadersRead);
        holderResponse.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        var holderBody = await holderResponse.Content.ReadAsStreamAsync();
        await relay.Held;

        // The other replica's client waits on the holder's lease ...
        var otherGet = other.Client.GetByteArrayAsync($"/v2/apps/app/blobs/{blob}");

        // ... until the holder dies: its lease expires and the other replica fetches the blob itself.
        await holder.KillAsync();
        var holderRead = async () =>
        {
            var buffer = new byte[64 * 1024];
            while (await holderBody.ReadAsync(buffer) > 0)
            {
            }
        };
        await holderRead.Should().ThrowAsync<Exception>("the killed replica's client sees an aborted transfer, never a clean end");
        relay.Release();

        byte[] bytes;
        if (followers == "wait")
        {
            // Waiting for the shared store's copy, it never saw the dead holder's bytes: its wait ends with the lease.
            bytes = await otherGet.WaitAsync(TimeSpan.FromSeconds(60));
        }
        else
        {
            // Streaming from the holder, its transfer broke with the holder (never a clean end with part of the
            // bytes); the client's retry finds the lease expired and the other replica fetching the blob itself.
            try
            {
                bytes = await otherGet.WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (HttpRequestException)
            {
                bytes = await other.Client.GetByteArrayAsync($"/v2/apps/app/blobs/{blob}");
            }
        }

        ("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes))).Should().Be(blob);
        output.WriteLine($"upstream GETs of the blob: {relay.GetsOf($"/v2/team/app/blobs/{blob}")}");
        relay.GetsOf($"/v2/team/app/blobs/{blob}").Should().Be(2, "the dead holder's GET and the one of the replica that took over");
        other.LogText.Should().NotContain("fail: ", "a lease that expired is a hand-over, not an error");
    }

    [Fact]
    public async Task SkopeoCopy_SharedStoreStoppedThenRedisStopped_PullsStillSucceed()
    {
        using var work = TempDirectory.Create("fleet-outage");
        var layout = new OciImageLayout(work.Combine("layout"));
        var first = layout.AddImage("v1", [1 * MiB, 2 * MiB]);
        var second = layout.AddImage("v2", [2 * MiB, 1 * MiB]);
        await using var registry = await DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "registry-fleet-outage" });
        using var skopeo = new Skopeo();
        await skopeo.CopyAsync(layout.Reference("v1"), registry.DockerReference("team/app", "v1"));
        await skopeo.CopyAsync(layout.Reference("v2"), registry.DockerReference("team/app", "v2"));
        await using var fleet = await FleetRig.StartAsync("fleet-outage", registry.HostPort);
        var replicas = new[] { await fleet.StartReplicaAsync(), await fleet.StartReplicaAsync() };

        await fleet.S3!.StopAsync();
        await Task.WhenAll(replicas.Select((r, i) => skopeo.CopyAsync($"docker://{r.HostPort}/apps/app:v1", $"dir:{work.Combine($"no-s3-{i}")}")));
        await fleet.Redis!.StopAsync();
        await Task.WhenAll(replicas.Select((r, i) => skopeo.CopyAsync($"docker://{r.HostPort}/apps/app:v2", $"dir:{work.Combine($"no-redis-{i}")}")));

        foreach (var (image, name) in new[] { (first, "no-s3"), (second, "no-redis") })
        {
            for (var i = 0; i < replicas.Length; i++)
            {
                foreach (var digest in image.BlobDigests)
                {
                    Sha256Digest.Of(await File.ReadAllBytesAsync(Path.Combine(work.Combine($"{name}-{i}"), Sha256Digest.Hex(digest)))).Should().Be(digest);
                }
            }
        }

        var failures = await Task.WhenAll(replicas.Select(r => r.MetricAsync("collage_cache_shared_failures_total")));
        output.WriteLine($"shared failures counted: {string.Join(", ", failures)}");
        failures.Should().OnlyContain(f => f > 0, "every replica counted the outages it streamed around");
        replicas.Should().OnlyContain(r => r.LogText.Contains("streams from the upstream instead", StringComparison.Ordinal), "each replica logged that it degraded");
    }
}
