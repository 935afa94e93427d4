using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using static Collage.Tests.Functional.Access.AccessClient;

namespace Collage.Tests.Functional.Access;

/// <summary>
/// Requests with the same right credentials at once (a client pulling layers in parallel with Basic on every request,
/// a fleet sharing a robot login after a restart or an htpasswd edit) are one login, not a burst of guesses: none is
/// turned away by the limit on checks in flight. bench/access saw 6 of 16 such requests get 429 at cost 10, and
/// thousands of 429s in a wrk run at 16 connections each time the remembered login expired.
/// </summary>
public sealed class ConcurrentLoginTests : IAsyncLifetime
{
    private const int Attempts = 5;
    private const int Burst = 40;

    private readonly string _htpasswd = Path.Combine(Path.GetTempPath(), $"collage-htpasswd-{Guid.NewGuid():N}");
    private LoopbackServer _upstream = null!;
    private CollageServer _collage = null!;
    private (int Workers, int Io) _minThreads;

    public async Task InitializeAsync()
    {
        // As many threads at once as a server with many cores has, so the burst overlaps (as in ConcurrentGuessTests).
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
    public async Task BurstOfTheSameRightLogin_AllAnsweredNoneThrottled()
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Burst }) { BaseAddress = _collage.BaseUri };
        using var start = new SemaphoreSlim(0);
        var logins = Enumerable.Range(0, Burst).Select(async _ =>
        {
            await start.WaitAsync();
            return await client.StatusAsync("/v2/team/app/manifests/v1", "alice:wonderland");
        }).ToList();
        start.Release(Burst);

        var statuses = await Task.WhenAll(logins);

        statuses.Should().OnlyContain(s => s == HttpStatusCode.OK,
            $"one login sent {Burst} times at once is one check, not {Burst} guesses (answers: {string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{(int)g.Key} x{g.Count()}"))})");
    }

    [Fact]
    public async Task FirstLoginsOfManyUsersAtOnce_AllLogInWhileTheFileIsFirstRead()
    {
        // Requests that came while the file was being read for the first time were checked against no users (401 for
        // right passwords); the read took a cost-10 bcrypt then. One hash for every user keeps the set-up short.
        var hash = BCrypt.Net.BCrypt.HashPassword("shared-secret", 10);
        var file = _htpasswd + "-many";
        await File.WriteAllLinesAsync(file, Enumerable.Range(0, Burst).Select(i => $"user{i}:{hash}"));
        try
        {
            await using var collage = await CollageServer.StartAsync(new
            {
                mappings = new Dictionary<string, string> { ["/"] = $"http://{_upstream.Authority}/up" },
                access = new { htpasswd = file, authenticated = new[] { "**" }, loginAttempts = Burst * 2 },
            });
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Burst }) { BaseAddress = collage.BaseUri };
            using var start = new SemaphoreSlim(0);
            var logins = Enumerable.Range(0, Burst).Select(async i =>
            {
                await start.WaitAsync();
                return await client.StatusAsync("/v2/team/app/manifests/v1", $"user{i}:shared-secret");
            }).ToList();
            start.Release(Burst);

            var statuses = await Task.WhenAll(logins);

            statuses.Should().OnlyContain(s => s == HttpStatusCode.OK,
                $"every user's password is right (answers: {string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{(int)g.Key} x{g.Count()}"))})");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task BurstOfTheSameWrongPassword_OneGuessCounted()
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Burst }) { BaseAddress = _collage.BaseUri };
        using var start = new SemaphoreSlim(0);
        var guesses = Enumerable.Range(0, Burst).Select(async _ =>
        {
            await start.WaitAsync();
            return await client.StatusAsync("/v2/team/app/manifests/v1", "alice:the-same-guess");
        }).ToList();
        start.Release(Burst);

        var statuses = await Task.WhenAll(guesses);

        // Each answer is the guess's own (wrong) or the limit's; the right password still logs in afterwards, since the
        // burst was one guess, far under the limit.
        statuses.Should().OnlyContain(s => s == HttpStatusCode.Unauthorized || s == HttpStatusCode.TooManyRequests);
        (await _collage.Client.StatusAsync("/v2/team/app/manifests/v1", "alice:wonderland")).Should().Be(HttpStatusCode.OK,
            $"the same wrong password {Burst} times at once counts as one failure, under the limit of {Attempts}");
    }
}
