using Collage.Transforms.Caching.Fleet;
using FluentAssertions;
using StackExchange.Redis;
using Xunit;

namespace Collage.Tests.Caching.Fleet;

/// <summary>
/// Fetch leases and waiting on them, against a real redis-server, with two (or more) coordinators as the replicas of
/// one fleet. A long lease time (10 min, so a poll every 100 s) where a test proves a message woke a waiter: only the
/// message can end its wait within the test's timeout.
/// </summary>
public sealed class RedisFleetCoordinatorTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly TimeSpan ShortLease = TimeSpan.FromSeconds(1.5);

    // For the renewal test: a renewal every second, so a loaded machine's stall of a second or two does not lose it.
    private static readonly TimeSpan RenewedLease = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TryAcquire_ManyAtOnceFromTwoReplicas_ExactlyOneWins()
    {
        var prefix = RedisFixture.NewPrefix();
        var replicas = new[] { redis.Replica(prefix), redis.Replica(prefix) };
        var hex = RedisFixture.NewHex();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await replicas[i % 2].TryAcquireAsync(hex, CancellationToken.None);
        })).ToArray();

        start.SetResult();
        var leases = await Task.WhenAll(attempts);

        var winners = leases.Where(l => l is not null).ToList();
        winners.Should().ContainSingle();
        winners[0]!.Hex.Should().Be(hex);
        await winners[0]!.DisposeAsync();
    }

    [Fact]
    public async Task TryAcquire_HeldByAnother_ReturnsNullUntilReleased()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var hex = RedisFixture.NewHex();

        var lease = await a.TryAcquireAsync(hex, CancellationToken.None);
        (await b.TryAcquireAsync(hex, CancellationToken.None)).Should().BeNull();
        await lease!.DisposeAsync();

        var next = await b.TryAcquireAsync(hex, CancellationToken.None);
        next.Should().NotBeNull();
        await next!.DisposeAsync();
    }

    [Fact]
    public async Task TryAcquire_Cancelled_ThrowsAndLeavesNoLease()
    {
        var prefix = RedisFixture.NewPrefix();
        var a = redis.Replica(prefix);
        var hex = RedisFixture.NewHex();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(() => a.TryAcquireAsync(hex, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();

        (await redis.Plain.KeyExistsAsync(prefix + "lease:" + hex)).Should().BeFalse();
    }

    [Fact]
    public async Task Lease_Renewed_StillHeldPastTwiceTheLeaseTime()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix, RenewedLease), redis.Replica(prefix, RenewedLease));
        var hex = RedisFixture.NewHex();
        await using var lease = await a.TryAcquireAsync(hex, CancellationToken.None);

        // Without renewal the key would be gone after 3 s; renewals every second keep it.
        (await RedisFixture.CancelledWithin(lease!.Lost, RenewedLease * 2.5)).Should().BeFalse("the lease is renewed");

        (await b.TryAcquireAsync(hex, CancellationToken.None)).Should().BeNull();
        var ttl = await redis.Plain.KeyTimeToLiveAsync(prefix + "lease:" + hex);
        ttl.Should().NotBeNull().And.BeLessThanOrEqualTo(RenewedLease);
    }

    [Fact]
    public async Task Dispose_ReleasesAndWakesAWaiterWithReleased()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var hex = RedisFixture.NewHex();
        var lease = await a.TryAcquireAsync(hex, CancellationToken.None);

        var waiting = b.WaitAsync(hex, Bound, CancellationToken.None);
        await WaitUntil(() => b.WaitingCount == 1);
        await lease!.DisposeAsync();

        (await waiting).Should().Be(LeaseWait.Released);
        (await redis.Plain.KeyExistsAsync(prefix + "lease:" + hex)).Should().BeFalse();
    }

    [Fact]
    public async Task Wait_HolderDiedWithoutReleasing_ReleasedAfterTheLeaseExpires()
    {
        var prefix = RedisFixture.NewPrefix();
        var b = redis.Replica(prefix, ShortLease);
        var hex = RedisFixture.NewHex();
        // A replica that took the lease and died: its key, which nobody renews.
        (await redis.Plain.StringSetAsync(prefix + "lease:" + hex, "dead-replica", ShortLease, When.NotExists)).Should().BeTrue();
        (await b.TryAcquireAsync(hex, CancellationToken.None)).Should().BeNull();

        var started = TimeProvider.System.GetTimestamp();
        var outcome = await b.WaitAsync(hex, Bound, CancellationToken.None);

        outcome.Should().Be(LeaseWait.Released);
        // Lease time plus a poll (0.25 s), with a CI machine's margin; the point is it is not the 60 s timeout.
        TimeProvider.System.GetElapsedTime(started).Should().BeLessThan(TimeSpan.FromSeconds(30));
        var lease = await b.TryAcquireAsync(hex, CancellationToken.None);
        lease.Should().NotBeNull();
        await lease!.DisposeAsync();
    }

    [Fact]
    public async Task Lease_KeyTakenAway_IsLostAtTheNextRenewal()
    {
        var prefix = RedisFixture.NewPrefix();
        var a = redis.Replica(prefix, ShortLease);
        var hex = RedisFixture.NewHex();
        await using var lease = await a.TryAcquireAsync(hex, CancellationToken.None);

        // As if it had expired during a pause and another replica had taken it.
        await redis.Plain.StringSetAsync(prefix + "lease:" + hex, "another-replica", TimeSpan.FromMinutes(1));

        (await RedisFixture.CancelledWithin(lease!.Lost, Bound)).Should().BeTrue();
        await lease.DisposeAsync();
        (await redis.Plain.StringGetAsync(prefix + "lease:" + hex)).ToString().Should().Be("another-replica", "a lost lease is not released");
    }

    [Fact]
    public async Task AnnounceStored_WakesEveryWaiterWithStored()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b, c) = (redis.Replica(prefix), redis.Replica(prefix), redis.Replica(prefix));
        var hex = RedisFixture.NewHex();
        await using var lease = await a.TryAcquireAsync(hex, CancellationToken.None);

        var waits = new[] { b.WaitAsync(hex, Bound, CancellationToken.None), b.WaitAsync(hex, Bound, CancellationToken.None), c.WaitAsync(hex, Bound, CancellationToken.None) };
        await WaitUntil(() => b.WaitingCount == 1 && c.WaitingCount == 1);
        await a.AnnounceStoredAsync(hex, 1234, CancellationToken.None);

        (await Task.WhenAll(waits)).Should().AllBeEquivalentTo(LeaseWait.Stored);
        b.WaitingCount.Should().Be(0);
    }

    [Fact]
    public async Task Wait_ReleaseMessageWhileTheMarkerIsSet_Stored()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var hex = RedisFixture.NewHex();
        await using var lease = await a.TryAcquireAsync(hex, CancellationToken.None);

        var waiting = b.WaitAsync(hex, Bound, CancellationToken.None);
        await WaitUntil(() => b.WaitingCount == 1);
        // A holder's "stored" and "released" handled out of order: the release arrives, the marker is there.
        await redis.Plain.StringSetAsync(prefix + "stored:" + hex, 10, TimeSpan.FromMinutes(1));
        await redis.Plain.PublishAsync(RedisChannel.Literal(prefix + "released"), hex);

        (await waiting).Should().Be(LeaseWait.Stored);
    }

    [Fact]
    public async Task AnnounceThenRelease_EveryWaiterGetsStored()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var hex = RedisFixture.NewHex();
        var lease = await a.TryAcquireAsync(hex, CancellationToken.None);
        var waits = Enumerable.Range(0, 8).Select(_ => b.WaitAsync(hex, Bound, CancellationToken.None)).ToArray();
        await WaitUntil(() => b.WaitingCount == 1);

        await a.AnnounceStoredAsync(hex, 10, CancellationToken.None);
        await lease!.DisposeAsync();

        (await Task.WhenAll(waits)).Should().AllBeEquivalentTo(LeaseWait.Stored);
    }

    [Fact]
    public async Task Wait_AfterTheAnnouncement_StoredAtOnceWhileTheLeaseIsStillHeld()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var hex = RedisFixture.NewHex();
        await using var lease = await a.TryAcquireAsync(hex, CancellationToken.None);
        await a.AnnounceStoredAsync(hex, 10, CancellationToken.None);

        // No message comes after this wait starts and the next poll is 100 s away: only the marker can answer.
        (await b.WaitAsync(hex, Bound, CancellationToken.None)).Should().Be(LeaseWait.Stored);
    }

    [Fact]
    public async Task Wait_ListedAsStored_Stored()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var hex = RedisFixture.NewHex();
        await a.TouchAsync(hex, 10, DateTimeOffset.UtcNow, CancellationToken.None);

        (await b.WaitAsync(hex, Bound, CancellationToken.None)).Should().Be(LeaseWait.Stored);
    }

    [Fact]
    public async Task Wait_NoLeaseAndNotStored_ReleasedAtOnce()
    {
        var b = redis.Replica(RedisFixture.NewPrefix());

        (await b.WaitAsync(RedisFixture.NewHex(), Bound, CancellationToken.None)).Should().Be(LeaseWait.Released);
    }

    [Fact]
    public async Task Wait_HeldAndNothingHappens_TimedOut()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var hex = RedisFixture.NewHex();
        await using var lease = await a.TryAcquireAsync(hex, CancellationToken.None);

        (await b.WaitAsync(hex, TimeSpan.FromSeconds(1), CancellationToken.None)).Should().Be(LeaseWait.TimedOut);
        b.WaitingCount.Should().Be(0);
    }

    [Fact]
    public async Task Wait_CallerCancels_Throws()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var hex = RedisFixture.NewHex();
        await using var lease = await a.TryAcquireAsync(hex, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = b.WaitAsync(hex, Bound, cancel.Token);
        await WaitUntil(() => b.WaitingCount == 1);
        await cancel.CancelAsync();

        await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task DisposeCoordinator_ReleasesTheLeasesItStillHolds()
    {
        var prefix = RedisFixture.NewPrefix();
        var b = redis.Replica(prefix);
        var a = RedisFixture.Create(new() { Configuration = redis.Server.Configuration, KeyPrefix = prefix, OperationTimeout = RedisFixture.OperationTimeout });
        var hex = RedisFixture.NewHex();
        var lease = await a.TryAcquireAsync(hex, CancellationToken.None);
        lease.Should().NotBeNull();

        var waiting = b.WaitAsync(hex, Bound, CancellationToken.None);
        await WaitUntil(() => b.WaitingCount == 1);
        await a.DisposeAsync();

        (await waiting).Should().Be(LeaseWait.Released);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        condition().Should().BeTrue("the condition should hold within 30 s");
    }
}
