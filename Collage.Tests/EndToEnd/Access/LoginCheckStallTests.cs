using System.Diagnostics;
using System.Text;
using Collage.Tests.EndToEnd.Caching;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Access;

/// <summary>
/// A login's bcrypt check (milliseconds by design, a second at cost 14) must not hold up other clients. Collage runs
/// as its own process, as shipped: inline scheduling on, so a request runs on its socket engine's thread, one engine
/// per core, sockets given to engines in turn. Connections beyond twice the engines share an engine with the login's
/// connection whatever the order; each sends anonymous token requests (Collage's own work, no upstream) one after
/// another while the login is checked. bench/access found 0.4 s stalls behind cost-10 logins before the fix.
/// </summary>
public sealed class LoginCheckStallTests
{
    private const string Password = "slow-but-sure";

    [Fact]
    public async Task Login_BcryptCheckInFlight_OtherConnectionsAnswerMeanwhile()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var cancel = timeout.Token;
        using var directory = TempDirectory.Create("login-stall");
        var htpasswd = directory.Combine("htpasswd");
        (await ProcessRunner.RunAsync("htpasswd", ["-Bbc", "-C", "14", htpasswd, "slow", Password], TimeSpan.FromSeconds(60))).EnsureSuccess();
        var config = directory.Combine("collage.json");
        await CollageProcess.WriteConfigAsync(config, new
        {
            mappings = new Dictionary<string, string> { ["public"] = "http://127.0.0.1:9/public" },
            access = new { htpasswd, anonymous = new[] { "public/**" } },
        });
        await using var collage = await CollageProcess.StartAsync(config, cancel);
        const string Probe = "/v2/token?scope=repository:public/app:pull";

        var probes = new List<KeepAliveConnection>();
        try
        {
            for (var i = 0; i < (2 * Environment.ProcessorCount) + 1; i++)
            {
                var connection = await KeepAliveConnection.OpenAsync(collage.BaseUri, cancel);
                probes.Add(connection);
                (await connection.GetAsync(Probe, null, cancel)).Should().Be(200, "an anonymous token is Collage's own work");
            }

            // A request first: a connection's first request can be read at once on the thread that accepted it; the
            // ones after it are read (and then run) by the connection's socket engine.
            await using var login = await KeepAliveConnection.OpenAsync(collage.BaseUri, cancel);
            (await login.GetAsync(Probe, null, cancel)).Should().Be(200);
            var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"slow:{Password}"));
            var clock = Stopwatch.StartNew();
            await login.WriteGetAsync("/v2/", basic, cancel);
            var answered = login.ReadAnswerAsync(cancel);
            var worst = await Task.WhenAll(probes.Select(p => WorstWhileAsync(p, Probe, answered, cancel)));
            var status = await answered;
            var checkTook = clock.Elapsed;

            status.Should().Be(200, "slow's password is right");
            checkTook.Should().BeGreaterThan(TimeSpan.FromMilliseconds(200), "a cost-14 bcrypt check takes most of a second");
            worst.Max().Should().BeLessThan(checkTook / 2,
                $"no other connection waits for the login's check (each connection's slowest answer: {string.Join(", ", worst.Select(w => $"{w.TotalMilliseconds:F0} ms"))}; the login took {checkTook.TotalMilliseconds:F0} ms)");
        }
        finally
        {
            foreach (var probe in probes)
            {
                await probe.DisposeAsync();
            }
        }
    }

    // Requests one after another until the login is answered (bounded by the test's timeout): the slowest answer.
    private static async Task<TimeSpan> WorstWhileAsync(KeepAliveConnection connection, string target, Task loginAnswered, CancellationToken cancel)
    {
        var worst = TimeSpan.Zero;
        var sent = 0;
        while (!loginAnswered.IsCompleted || sent == 0)
        {
            var clock = Stopwatch.StartNew();
            (await connection.GetAsync(target, null, cancel)).Should().Be(200);
            worst = clock.Elapsed > worst ? clock.Elapsed : worst;
            sent++;
        }

        return worst;
    }
}
