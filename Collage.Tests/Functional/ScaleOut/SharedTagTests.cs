using System.Net;
using Collage.Tests.Functional.Caching;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// Tag answers shared through Redis: a tag one replica revalidated is fresh for the whole fleet, so the upstream sees
/// one HEAD of the tag per TTL, not one per replica. Both replicas run on one fake clock, so "after the TTL" is exact
/// and nothing races the wall clock.
/// </summary>
public sealed class SharedTagTests(SharedStoresFixture stores) : IClassFixture<SharedStoresFixture>
{
    private const string Accept = "application/vnd.oci.image.manifest.v1+json";
    private static readonly TimeSpan TagTtl = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ManifestByTag_AfterTheTtlOneReplicaRevalidates_TheOtherSendsNoHead()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var fleet = await SharedFleet.StartAsync(stores);
        var config = fleet.Upstream.AddBlob("team-a/web", [0x7b, 0x7d]);
        fleet.Upstream.SetTag("team-a/web", "v1", Accept, FakeOciRegistry.ImageManifest(config));
        var a = await fleet.StartReplicaAsync(tagTtl: "00:00:02", time: time);
        var b = await fleet.StartReplicaAsync(tagTtl: "00:00:02", time: time);
        const string path = "/v2/a/web/manifests/v1";
        const string upstream = "/v2/team-a/web/manifests/v1";

        await PullAsync(a, path);
        await PullAsync(b, path);
        await SharedAsync(fleet, time.GetUtcNow());
        fleet.Upstream.Count("HEAD", upstream).Should().Be(0, "both answers were fresh");

        for (var period = 1; period <= 2; period++)
        {
            time.Advance(TagTtl + TimeSpan.FromMilliseconds(500));
            await PullAsync(a, path);
            fleet.Upstream.Count("HEAD", upstream).Should().Be(period, "A revalidated the expired tag with one HEAD");

            // A shares its answer in the background: B's request must come after it reached Redis, or B would (rightly) HEAD.
            await SharedAsync(fleet, time.GetUtcNow());
            time.Advance(TimeSpan.FromMilliseconds(500));
            await PullAsync(b, path);
            fleet.Upstream.Count("HEAD", upstream).Should().Be(period, "B took A's revalidation from Redis, within the new TTL");
        }

        fleet.Upstream.Count("GET", upstream).Should().Be(2, "each replica fetched the manifest once, when it held none");
    }

    private static async Task PullAsync(Infrastructure.CollageServer replica, string path)
    {
        var (response, body) = await SharedFleet.SendAsync(replica, path, accept: Accept);
        using (response)
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            body.Should().NotBeEmpty();
        }
    }

    // Waits (bounded) until every tag answer the fleet holds in Redis was fetched at `at`.
    private async Task SharedAsync(SharedFleet fleet, DateTimeOffset at)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stores.Redis.Configuration);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var expected = at.ToUnixTimeMilliseconds();
        var shared = await Observability.Eventually.GetAsync(
            async () =>
            {
                var keys = server.Keys(pattern: fleet.Prefix + "tag:*").ToList();
                var fetched = await Task.WhenAll(keys.Select(k => redis.GetDatabase().HashGetAsync(k, "f")));
                return keys.Count > 0 && fetched.All(f => (long)f == expected);
            },
            done => done,
            TimeSpan.FromSeconds(20));
        shared.Should().BeTrue("the tag answer fetched at {0} should have reached Redis", at);
    }
}
