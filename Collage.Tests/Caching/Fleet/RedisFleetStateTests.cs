using Collage.Transforms.Caching.Storage;
using FluentAssertions;
using Xunit;

namespace Collage.Tests.Caching.Fleet;

/// <summary>Tag answers, back-offs and grants shared by two replicas through a real redis-server.</summary>
public sealed class RedisFleetStateTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Tag_PutByOneReplica_ReadByAnother()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var answer = new TagAnswer(RedisFixture.NewHex(), "application/vnd.oci.image.index.v1+json", 1_700_000_000_123);

        await a.PutTagAsync("library/alpine:latest|*/*", answer, TimeSpan.FromMinutes(5), None);

        (await b.GetTagAsync("library/alpine:latest|*/*", None)).Should().Be(answer);
        (await b.GetTagAsync("library/alpine:edge|*/*", None)).Should().BeNull();
    }

    [Fact]
    public async Task Tag_OlderAnswerAfterANewer_KeepsTheNewer()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var newer = new TagAnswer(RedisFixture.NewHex(), "m", 2000);
        var older = new TagAnswer(RedisFixture.NewHex(), "m", 1000);

        await a.PutTagAsync("k", newer, TimeSpan.FromMinutes(5), None);
        await b.PutTagAsync("k", older, TimeSpan.FromMinutes(5), None);
        (await a.GetTagAsync("k", None)).Should().Be(newer);

        var newest = new TagAnswer(RedisFixture.NewHex(), "m2", 3000);
        await b.PutTagAsync("k", newest, TimeSpan.FromMinutes(5), None);
        (await a.GetTagAsync("k", None)).Should().Be(newest);
    }

    [Fact]
    public async Task Tag_Deleted_Gone()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        await a.PutTagAsync("k", new TagAnswer(RedisFixture.NewHex(), "m", 1), TimeSpan.FromMinutes(5), None);

        await b.DeleteTagAsync("k", None);

        (await a.GetTagAsync("k", None)).Should().BeNull();
    }

    [Fact]
    public async Task Tag_KeptFor_ExpiresAfterIt()
    {
        var prefix = RedisFixture.NewPrefix();
        var a = redis.Replica(prefix);
        var keepFor = TimeSpan.FromMilliseconds(800);

        await a.PutTagAsync("k", new TagAnswer(RedisFixture.NewHex(), "m", 1), keepFor, None);

        var ttl = await redis.Plain.KeyTimeToLiveAsync(prefix + "tag:k");
        ttl.Should().NotBeNull();
        ttl!.Value.Should().BePositive().And.BeLessThanOrEqualTo(keepFor);
        TagAnswer? answer = new("x", "x", 0);
        for (var i = 0; i < 300 && answer is not null; i++)
        {
            await Task.Delay(100);
            answer = await a.GetTagAsync("k", None);
        }

        answer.Should().BeNull("the answer expires after 0.8 s");
    }

    [Fact]
    public async Task Backoff_LaterEndWins_EarlierIgnored()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var now = DateTimeOffset.UtcNow;
        var later = Millis(now.AddMinutes(2));

        await a.EnterBackoffAsync("registry.example:443", later, None);
        await b.EnterBackoffAsync("registry.example:443", now.AddMinutes(1), None);
        (await b.GetBackoffAsync("registry.example:443", None)).Should().Be(later);

        var latest = Millis(now.AddMinutes(3));
        await b.EnterBackoffAsync("registry.example:443", latest, None);
        (await a.GetBackoffAsync("registry.example:443", None)).Should().Be(latest);
        var ttl = await redis.Plain.KeyTimeToLiveAsync(prefix + "backoff:registry.example:443");
        ttl!.Value.Should().BeGreaterThan(TimeSpan.FromMinutes(2)).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(3));
    }

    [Fact]
    public async Task Backoff_AuthorityCase_Ignored()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var until = Millis(DateTimeOffset.UtcNow.AddMinutes(1));

        await a.EnterBackoffAsync("Registry.Example", until, None);

        (await b.GetBackoffAsync("registry.example", None)).Should().Be(until);
    }

    [Fact]
    public async Task Backoff_AbsentOrPast_Null()
    {
        var prefix = RedisFixture.NewPrefix();
        var a = redis.Replica(prefix);

        (await a.GetBackoffAsync("none.example", None)).Should().BeNull();
        await a.EnterBackoffAsync("past.example", DateTimeOffset.UtcNow.AddSeconds(-5), None);
        (await a.GetBackoffAsync("past.example", None)).Should().BeNull();
        (await redis.Plain.KeyExistsAsync(prefix + "backoff:past.example")).Should().BeFalse();
    }

    [Fact]
    public async Task Grant_RecordedByOneReplica_SeenByAnotherForThatRepositoryOnly()
    {
        var prefix = RedisFixture.NewPrefix();
        var (a, b) = (redis.Replica(prefix), redis.Replica(prefix));
        var hex = RedisFixture.NewHex();
        (await b.IsGrantedAsync(hex, "library/alpine", None)).Should().BeFalse();

        await a.GrantAsync(hex, "library/alpine", None);
        await a.GrantAsync(hex, "team/app", None);

        (await b.IsGrantedAsync(hex, "library/alpine", None)).Should().BeTrue();
        (await b.IsGrantedAsync(hex, "team/app", None)).Should().BeTrue();
        (await b.IsGrantedAsync(hex, "library/busybox", None)).Should().BeFalse();
        (await b.IsGrantedAsync(RedisFixture.NewHex(), "library/alpine", None)).Should().BeFalse();
        var ttl = await redis.Plain.KeyTimeToLiveAsync(prefix + "grants:" + hex);
        ttl!.Value.Should().BeGreaterThan(TimeSpan.FromDays(29));
    }

    // Redis keeps milliseconds: compare what comes back with the same precision.
    private static DateTimeOffset Millis(DateTimeOffset at) => DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
}
