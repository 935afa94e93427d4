using Collage.Transforms.Caching.Fleet;
using Collage.Transforms.Configuration;
using FluentAssertions;
using Xunit;

namespace Collage.Tests.Caching.Fleet;

/// <summary>What followers need to stream from a lease holder: the holder's advertised URL on its lease, and the fleet's peer key.</summary>
public sealed class RedisFleetPeerTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task GetHolder_LeaseOfAnAdvertisingReplica_ItsUrl()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var a = Advertising(prefix, new Uri("http://10.1.2.3:8080/"));
        var b = redis.Replica(prefix);
        var hex = RedisFixture.NewHex();
        var lease = await a.TryAcquireAsync(hex, None);

        (await b.GetHolderAsync(hex, None)).Should().Be(new Uri("http://10.1.2.3:8080/"));

        await lease!.DisposeAsync();
        (await b.GetHolderAsync(hex, None)).Should().BeNull("nobody holds it");
        (await redis.Plain.KeyExistsAsync(prefix + "lease:" + hex)).Should().BeFalse("the release compares the whole value, URL included");
    }

    [Fact]
    public async Task Lease_WithAnAdvertisedUrl_IsRenewed()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var a = Advertising(prefix, new Uri("http://10.1.2.3:8080/"), TimeSpan.FromSeconds(3));
        await using var lease = await a.TryAcquireAsync(RedisFixture.NewHex(), None);

        (await RedisFixture.CancelledWithin(lease!.Lost, TimeSpan.FromSeconds(7.5))).Should().BeFalse();
    }

    [Fact]
    public async Task GetHolder_NotAdvertisingOrNotHeld_Null()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var hex = RedisFixture.NewHex();
        await using var lease = await a.TryAcquireAsync(hex, None);

        (await b.GetHolderAsync(hex, None)).Should().BeNull();
        (await b.GetHolderAsync(RedisFixture.NewHex(), None)).Should().BeNull();
    }

    [Fact]
    public async Task GetPeerKey_ManyReplicasAtOnce_AllTheSameKey()
    {
        var prefix = RedisFixture.NewPrefix();
        var replicas = Enumerable.Range(0, 4).Select(_ => redis.Replica(prefix)).ToArray();

        var keys = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => replicas[i % 4].GetPeerKeyAsync(None))));

        keys.Distinct().Should().ContainSingle();
        keys[0].Should().MatchRegex("^[0-9a-f]{64}$");
        (await replicas[0].GetPeerKeyAsync(None)).Should().Be(keys[0]);
        (await redis.Replica(RedisFixture.NewPrefix()).GetPeerKeyAsync(None)).Should().NotBe(keys[0], "another fleet has its own key");
    }

    private RedisFleetCoordinator Advertising(string prefix, Uri url, TimeSpan? leaseTime = null) =>
        RedisFixture.Create(new RedisOptions
        {
            Configuration = redis.Server.Configuration,
            KeyPrefix = prefix,
            AdvertiseUrl = url,
            LeaseTime = leaseTime ?? TimeSpan.FromMinutes(10),
            OperationTimeout = RedisFixture.OperationTimeout,
        });
}
