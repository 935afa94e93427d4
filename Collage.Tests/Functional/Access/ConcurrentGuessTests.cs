using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using static Collage.Tests.Functional.Access.AccessClient;

namespace Collage.Tests.Functional.Access;

/// <summary>
/// Guesses sent all at once are throttled like guesses sent one after another: the limit bounds how many bcrypt checks
/// a burst gets, not just how many finish before the next starts.
/// </summary>
public sealed class ConcurrentGuessTests : IAsyncLifetime
{
    private const int Attempts = 5;
    private const int Burst = 40;

    private readonly string _htpasswd = Path.Combine(Path.GetTempPath(), $"collage-htpasswd-{Guid.NewGuid():N}");
    private LoopbackServer _upstream = null!;
    private CollageServer _collage = null!;
    private (int Workers, int Io) _minThreads;

    public async Task InitializeAsync()
    {
        // As many threads at once as a server with many cores has: on two cores the thread pool alone spaces the
        // checks out, and the burst would never overlap.
        ThreadPool.GetMinThreads(out var workers, out var io);
        _minThreads = (workers, io);
        ThreadPool.SetMinThreads(Math.Max(workers, Burst * 2), io);

        // Cost 10: each check takes long enough for the burst to overlap.
        await File.WriteAllTextAsync(_htpasswd, $"alice:{BCrypt.Net.BCrypt.HashPassword("wonderland", 10)}\n");
        _upstream = await AccessUpstream.StartAsync();
        _collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["/"] = $"http://{_upstream.Authority}/up" },
            access = new { htpasswd = _htpasswd, authenticated = new[] { "**" }, loginAttempts = Attempts, loginWindow = "00:10:00" },
        });
    }

    public async Task DisposeAsync()
    {
        await _collage.DisposeAsync();
        await _upstream.DisposeAsync();
        File.Delete(_htpasswd);
        ThreadPool.SetMinThreads(_minThreads.Workers, _minThreads.Io);
    }

    [Fact]
    public async Task BurstOfWrongPasswords_BcryptChecksBoundedByTheLimit()
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Burst }) { BaseAddress = _collage.BaseUri };
        using var start = new SemaphoreSlim(0);
        var guesses = Enumerable.Range(0, Burst).Select(async i =>
        {
            await start.WaitAsync();
            return await client.StatusAsync("/v2/team/app/manifests/v1", $"alice:guess-{i}");
        }).ToList();
        start.Release(Burst);

        var statuses = await Task.WhenAll(guesses);

        // Every 401 was a bcrypt check; every other guess was turned away before one.
        statuses.Should().OnlyContain(s => s == HttpStatusCode.Unauthorized || s == HttpStatusCode.TooManyRequests);
        statuses.Count(s => s == HttpStatusCode.Unauthorized).Should().BeLessThanOrEqualTo(2 * Attempts, "a burst must not multiply the guesses a window allows");
        (await _collage.Client.StatusAsync("/v2/team/app/manifests/v1", "alice:wonderland")).Should().Be(HttpStatusCode.TooManyRequests);
    }
}
