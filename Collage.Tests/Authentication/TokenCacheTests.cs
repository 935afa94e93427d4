using Collage.Transforms.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Authentication;

public class TokenCacheTests
{
    private static readonly TokenCacheKey Key = new("https://auth.example/token", "registry.example", "repository:a/b:pull");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static Func<CancellationToken, Task<TokenResponse>> Returns(string token, int? expiresIn = null, DateTimeOffset? issuedAt = null) =>
        _ => Task.FromResult(new TokenResponse(token, expiresIn, issuedAt));

    [Fact]
    public async Task GetToken_Cached_DoesNotFetchAgain()
    {
        var cache = new TokenCache(_time);
        var fetches = 0;

        (await cache.GetTokenAsync(Key, _ => { fetches++; return Task.FromResult(new TokenResponse("t1", 300)); }, default)).Should().Be("t1");
        (await cache.GetTokenAsync(Key, _ => { fetches++; return Task.FromResult(new TokenResponse("t2", 300)); }, default)).Should().Be("t1");

        fetches.Should().Be(1);
        cache.TryGetToken(Key, out var token).Should().BeTrue();
        token.Should().Be("t1");
    }

    [Fact]
    public async Task GetToken_DifferentScope_FetchesSeparately()
    {
        var cache = new TokenCache(_time);

        await cache.GetTokenAsync(Key, Returns("t1", 300), default);
        var other = await cache.GetTokenAsync(Key with { Scope = "repository:c:pull" }, Returns("t2", 300), default);

        other.Should().Be("t2");
        cache.Count.Should().Be(2);
    }

    [Fact]
    public async Task GetToken_ExpiresIn_RefetchedAfterExpiryLessMargin()
    {
        var cache = new TokenCache(_time, new UpstreamAuthenticationOptions { ExpiryMargin = TimeSpan.FromSeconds(10) });
        await cache.GetTokenAsync(Key, Returns("t1", expiresIn: 300), default);

        _time.Advance(TimeSpan.FromSeconds(289));
        cache.TryGetToken(Key, out _).Should().BeTrue();

        _time.Advance(TimeSpan.FromSeconds(1));
        cache.TryGetToken(Key, out _).Should().BeFalse();
        (await cache.GetTokenAsync(Key, Returns("t2", 300), default)).Should().Be("t2");
    }

    [Fact]
    public async Task GetToken_NoExpiresIn_DefaultsTo60Seconds()
    {
        // Distribution token spec: expires_in defaults to 60 seconds.
        var cache = new TokenCache(_time, new UpstreamAuthenticationOptions { ExpiryMargin = TimeSpan.FromSeconds(10) });
        await cache.GetTokenAsync(Key, Returns("t1"), default);

        _time.Advance(TimeSpan.FromSeconds(49));
        cache.TryGetToken(Key, out _).Should().BeTrue();

        _time.Advance(TimeSpan.FromSeconds(1));
        cache.TryGetToken(Key, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task GetToken_NonPositiveExpiresIn_UsesDefault(int expiresIn)
    {
        var cache = new TokenCache(_time);
        await cache.GetTokenAsync(Key, Returns("t1", expiresIn), default);

        _time.Advance(TimeSpan.FromSeconds(45));
        cache.TryGetToken(Key, out _).Should().BeTrue();
    }

    [Fact]
    public async Task GetToken_ShortLivedToken_MarginIsAtMostHalfTheLifetime()
    {
        var cache = new TokenCache(_time, new UpstreamAuthenticationOptions { ExpiryMargin = TimeSpan.FromSeconds(10) });
        await cache.GetTokenAsync(Key, Returns("t1", expiresIn: 4), default);

        _time.Advance(TimeSpan.FromSeconds(1.9));
        cache.TryGetToken(Key, out _).Should().BeTrue();

        _time.Advance(TimeSpan.FromSeconds(0.1));
        cache.TryGetToken(Key, out _).Should().BeFalse();
    }

    [Fact]
    public async Task GetToken_IssuedEarlier_ExpiresEarlier()
    {
        var cache = new TokenCache(_time, new UpstreamAuthenticationOptions { ExpiryMargin = TimeSpan.Zero });
        await cache.GetTokenAsync(Key, Returns("t1", expiresIn: 300, issuedAt: _time.GetUtcNow().AddSeconds(-100)), default);

        _time.Advance(TimeSpan.FromSeconds(199));
        cache.TryGetToken(Key, out _).Should().BeTrue();

        _time.Advance(TimeSpan.FromSeconds(1));
        cache.TryGetToken(Key, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(-3600)] // the token server's clock lags far behind: the token would look expired
    [InlineData(3600)] // the token server's clock runs ahead: the token would seem to live longer
    public async Task GetToken_IssuedAtFromSkewedClock_IsIgnored(int skewSeconds)
    {
        var cache = new TokenCache(_time, new UpstreamAuthenticationOptions { ExpiryMargin = TimeSpan.Zero });
        await cache.GetTokenAsync(Key, Returns("t1", expiresIn: 300, issuedAt: _time.GetUtcNow().AddSeconds(skewSeconds)), default);

        _time.Advance(TimeSpan.FromSeconds(299));
        cache.TryGetToken(Key, out _).Should().BeTrue();

        _time.Advance(TimeSpan.FromSeconds(1));
        cache.TryGetToken(Key, out _).Should().BeFalse();
    }

    [Fact]
    public async Task GetToken_ConcurrentCallers_FetchOnce()
    {
        var cache = new TokenCache(_time);
        var fetches = 0;
        var fetchStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<TokenResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<CancellationToken, Task<TokenResponse>> fetch = _ =>
        {
            Interlocked.Increment(ref fetches);
            fetchStarted.TrySetResult();
            return release.Task;
        };

        // 20 callers race on the pool. Each one's GetTokenAsync runs synchronously up to its wait on the fetch in
        // flight (or to starting it), so once every call has returned its task, all 20 have joined.
        var arrivals = Enumerable.Range(0, 20)
            .Select(_ => Task.Factory.StartNew(() => cache.GetTokenAsync(Key, fetch, default), CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default))
            .ToArray();
        var callers = await Task.WhenAll(arrivals);

        fetchStarted.Task.IsCompleted.Should().BeTrue("the first caller started the fetch");
        Volatile.Read(ref fetches).Should().Be(1, "every later caller joined the fetch in flight");
        callers.Should().OnlyContain(c => !c.IsCompleted, "all of them wait for that one fetch");

        release.SetResult(new TokenResponse("shared", 300));
        var tokens = await Task.WhenAll(callers);

        fetches.Should().Be(1);
        tokens.Should().AllBe("shared");
    }

    [Fact]
    public async Task GetToken_FailedFetch_IsSharedAndKeptForTheBackoffOnly()
    {
        var cache = new TokenCache(_time, new UpstreamAuthenticationOptions { FailedFetchBackoff = TimeSpan.FromSeconds(2) });
        var release = new TaskCompletionSource<TokenResponse>(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = cache.GetTokenAsync(Key, _ => release.Task, default);
        var second = cache.GetTokenAsync(Key, _ => throw new InvalidOperationException("must share the fetch in flight"), default);
        release.SetException(new HttpRequestException("token server down"));

        await first.Invoking(t => t).Should().ThrowAsync<HttpRequestException>();
        await second.Invoking(t => t).Should().ThrowAsync<HttpRequestException>();
        cache.TryGetToken(Key, out _).Should().BeFalse();

        // Within the back-off the failure answers again, without a fetch.
        _time.Advance(TimeSpan.FromSeconds(1.9));
        await cache.Invoking(c => c.GetTokenAsync(Key, _ => throw new InvalidOperationException("must not fetch within the back-off"), default))
            .Should().ThrowAsync<HttpRequestException>().WithMessage("token server down");

        _time.Advance(TimeSpan.FromSeconds(0.1));
        (await cache.GetTokenAsync(Key, Returns("t2", 300), default)).Should().Be("t2");
    }

    [Fact]
    public async Task GetToken_FailedFetchWithoutBackoff_IsNotCached()
    {
        var cache = new TokenCache(_time, new UpstreamAuthenticationOptions { FailedFetchBackoff = TimeSpan.Zero });

        await cache.Invoking(c => c.GetTokenAsync(Key, _ => Task.FromException<TokenResponse>(new HttpRequestException("down")), default))
            .Should().ThrowAsync<HttpRequestException>();

        cache.Count.Should().Be(0);
        (await cache.GetTokenAsync(Key, Returns("t2", 300), default)).Should().Be("t2");
    }

    [Fact]
    public async Task GetToken_FetchTakesTooLong_ThrowsTimeoutAndIsKeptForTheBackoffOnly()
    {
        var cache = new TokenCache(_time, new UpstreamAuthenticationOptions { TokenRequestTimeout = TimeSpan.FromSeconds(5) });

        var call = cache.GetTokenAsync(Key, async ct => { await Task.Delay(Timeout.Infinite, ct); return new TokenResponse("never"); }, default);
        _time.Advance(TimeSpan.FromSeconds(5));

        await call.Invoking(t => t).Should().ThrowAsync<TimeoutException>();
        await cache.Invoking(c => c.GetTokenAsync(Key, _ => throw new InvalidOperationException("must not fetch within the back-off"), default))
            .Should().ThrowAsync<TimeoutException>();
        _time.Advance(new UpstreamAuthenticationOptions().FailedFetchBackoff);
        (await cache.GetTokenAsync(Key, Returns("t2", 300), default)).Should().Be("t2");
    }

    [Fact]
    public async Task GetToken_OneCallerGivesUp_OthersStillGetTheToken()
    {
        var cache = new TokenCache(_time);
        var release = new TaskCompletionSource<TokenResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var giveUp = new CancellationTokenSource();

        var impatient = cache.GetTokenAsync(Key, _ => release.Task, giveUp.Token);
        var patient = cache.GetTokenAsync(Key, _ => release.Task, default);
        await giveUp.CancelAsync();
        release.SetResult(new TokenResponse("t1", 300));

        await impatient.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();
        (await patient).Should().Be("t1");
        cache.TryGetToken(Key, out _).Should().BeTrue();
    }

    [Fact]
    public async Task Invalidate_SameToken_Forgets()
    {
        var cache = new TokenCache(_time);
        await cache.GetTokenAsync(Key, Returns("t1", 300), default);

        cache.Invalidate(Key, "t1");

        cache.TryGetToken(Key, out _).Should().BeFalse();
    }

    [Fact]
    public async Task Invalidate_NewerToken_Keeps()
    {
        var cache = new TokenCache(_time);
        await cache.GetTokenAsync(Key, Returns("t2", 300), default);

        cache.Invalidate(Key, "t1");

        cache.TryGetToken(Key, out var token).Should().BeTrue();
        token.Should().Be("t2");
    }

    [Fact]
    public async Task GetToken_MoreKeysThanMax_StaysBounded()
    {
        var cache = new TokenCache(_time, new UpstreamAuthenticationOptions { MaxCachedTokens = 3 });

        for (var i = 0; i < 10; i++)
        {
            await cache.GetTokenAsync(Key with { Scope = $"repository:r{i}:pull" }, Returns($"t{i}", 300 + i), default);
        }

        cache.Count.Should().BeLessThanOrEqualTo(3);
        cache.TryGetToken(Key with { Scope = "repository:r9:pull" }, out _).Should().BeTrue();
    }

    [Fact]
    public async Task GetToken_Full_DropsExpiredFirst()
    {
        var cache = new TokenCache(_time, new UpstreamAuthenticationOptions { MaxCachedTokens = 2 });
        await cache.GetTokenAsync(Key with { Scope = "short" }, Returns("s", 60), default);
        await cache.GetTokenAsync(Key with { Scope = "long" }, Returns("l", 3600), default);
        _time.Advance(TimeSpan.FromSeconds(120));

        await cache.GetTokenAsync(Key with { Scope = "new" }, Returns("n", 3600), default);

        cache.TryGetToken(Key with { Scope = "long" }, out _).Should().BeTrue();
        cache.TryGetToken(Key with { Scope = "new" }, out _).Should().BeTrue();
        cache.Count.Should().Be(2);
    }

    [Fact]
    public void RememberRealm_ByOrigin_IsFound()
    {
        var cache = new TokenCache(_time);

        cache.RememberRealm("https://registry.example", new BearerRealm("https://auth.example/token", "reg"));

        cache.TryGetRealm("https://registry.example", out var realm).Should().BeTrue();
        realm!.Service.Should().Be("reg");
        cache.TryGetRealm("http://registry.example", out _).Should().BeFalse();
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        var create = () => new TokenCache(_time, new UpstreamAuthenticationOptions { MaxCachedTokens = 0 });

        create.Should().Throw<ArgumentOutOfRangeException>();
    }
}
