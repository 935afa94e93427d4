using FluentAssertions;
using Xunit;

namespace Collage.Tests.Caching.Fleet;

/// <summary>
/// The fleet's list of what the shared store holds (last read, length, total bytes) and the eviction turn, through a
/// real redis-server; the byte count is checked against the sizes themselves after concurrent changes from two replicas.
/// </summary>
public sealed class RedisFleetObjectListTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public async Task Touch_SameHexTwice_CountsItsBytesOnce()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var (x, y) = (RedisFixture.NewHex(), RedisFixture.NewHex());
        (await a.GetStoredBytesAsync(None)).Should().Be(0);

        await a.TouchAsync(x, 100, T0, None);
        await b.TouchAsync(x, 100, T0.AddSeconds(1), None);
        await b.TouchAsync(y, 23, T0, None);

        (await a.GetStoredBytesAsync(None)).Should().Be(123);
    }

    [Fact]
    public async Task TakeEvictionCandidates_OldestFirstWithLengthsAndLastRead()
    {
        var prefix = RedisFixture.NewPrefix();
        var a = redis.Replica(prefix);
        var (x, y, z) = (RedisFixture.NewHex(), RedisFixture.NewHex(), RedisFixture.NewHex());
        await a.TouchAsync(x, 1, T0.AddSeconds(30), None);
        await a.TouchAsync(y, 2, T0.AddSeconds(10), None);
        await a.TouchAsync(z, 3, T0.AddSeconds(20), None);
        // A read of x that arrives late (older than its last) does not make it look older.
        await a.TouchAsync(x, 1, T0, None);

        var candidates = await a.TakeEvictionCandidatesAsync(2, TimeSpan.FromMinutes(1), None);

        candidates.Select(c => (c.Hex, c.Length, c.LastRead)).Should().Equal((y, 2L, T0.AddSeconds(10)), (z, 3L, T0.AddSeconds(20)));
    }

    [Fact]
    public async Task TakeEvictionCandidates_TurnHeldByAnother_EmptyUntilTheHoldEnds()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        await a.TouchAsync(RedisFixture.NewHex(), 5, T0, None);
        var hold = TimeSpan.FromSeconds(1);

        var first = await a.TakeEvictionCandidatesAsync(10, hold, None);
        var second = await b.TakeEvictionCandidatesAsync(10, hold, None);

        first.Should().ContainSingle();
        second.Should().BeEmpty();
        IReadOnlyList<Transforms.Caching.Fleet.SharedObjectEntry> later = [];
        for (var i = 0; i < 300 && later.Count == 0; i++)
        {
            await Task.Delay(100);
            later = await b.TakeEvictionCandidatesAsync(10, hold, None);
        }

        later.Should().ContainSingle("the turn is free again once its hold expired");
    }

    [Fact]
    public async Task TakeEvictionCandidates_ManyReplicasAtOnce_OneGetsTheTurn()
    {
        var prefix = RedisFixture.NewPrefix();
        var replicas = Enumerable.Range(0, 4).Select(_ => redis.Replica(prefix)).ToArray();
        await replicas[0].TouchAsync(RedisFixture.NewHex(), 5, T0, None);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var takes = Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await replicas[i % 4].TakeEvictionCandidatesAsync(10, TimeSpan.FromMinutes(1), None);
        })).ToArray();

        start.SetResult();
        var results = await Task.WhenAll(takes);

        results.Count(r => r.Count > 0).Should().Be(1);
    }

    [Fact]
    public async Task Forget_TakesTheLengthOffOnceAndUnlists()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var (x, y) = (RedisFixture.NewHex(), RedisFixture.NewHex());
        await a.TouchAsync(x, 100, T0, None);
        await a.TouchAsync(y, 7, T0.AddSeconds(1), None);

        await b.ForgetAsync(x, None);
        await a.ForgetAsync(x, None);
        await a.ForgetAsync(RedisFixture.NewHex(), None);

        (await a.GetStoredBytesAsync(None)).Should().Be(7);
        var candidates = await b.TakeEvictionCandidatesAsync(10, TimeSpan.FromMinutes(1), None);
        candidates.Select(c => c.Hex).Should().Equal(y);
    }

    [Fact]
    public async Task AnnounceStored_ListsTheObject()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var hex = RedisFixture.NewHex();

        await a.AnnounceStoredAsync(hex, 42, None);
        (await b.GetStoredBytesAsync(None)).Should().Be(42);
        await b.TouchAsync(hex, 42, DateTimeOffset.UtcNow, None);

        (await b.GetStoredBytesAsync(None)).Should().Be(42, "the touch after the announcement is no new object");
    }

    [Fact]
    public async Task TouchAndForget_ConcurrentFromTwoReplicas_BytesEqualTheSumOfTheSizes()
    {
        var prefix = RedisFixture.NewPrefix();
        var replicas = new[] { redis.Replica(prefix), redis.Replica(prefix) };
        var objects = Enumerable.Range(1, 40).Select(i => (Hex: RedisFixture.NewHex(), Length: (long)i * 1000)).ToArray();

        // Each object touched four times, by both replicas, all at once.
        await Task.WhenAll(Enumerable.Range(0, objects.Length * 4).Select(i => Task.Run(() =>
            replicas[i % 2].TouchAsync(objects[i % objects.Length].Hex, objects[i % objects.Length].Length, T0.AddMilliseconds(i), None))));
        (await replicas[0].GetStoredBytesAsync(None)).Should().Be(objects.Sum(o => o.Length));

        // Half forgotten, each twice (both replicas evicting the same object).
        var forgotten = objects.Where((_, i) => i % 2 == 0).ToArray();
        await Task.WhenAll(forgotten.SelectMany(o => replicas.Select(r => Task.Run(() => r.ForgetAsync(o.Hex, None)))));

        var expected = objects.Except(forgotten).Sum(o => o.Length);
        (await replicas[1].GetStoredBytesAsync(None)).Should().Be(expected);
        var sizes = await redis.Plain.HashValuesAsync(prefix + "sizes");
        sizes.Sum(v => (long)v).Should().Be(expected);
        (await redis.Plain.SortedSetLengthAsync(prefix + "objects")).Should().Be(objects.Length - forgotten.Length);
    }
}
