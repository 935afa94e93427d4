using System.Diagnostics;
using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Collage.Tests.Functional.Observability;
using static Collage.Tests.Functional.Access.AccessClient;

namespace Collage.Tests.Functional.Access;

/// <summary>
/// The end of a throttle: once <c>loginWindow</c> has passed since the failures, the right password logs in again,
/// and not before. Cheap hashes (cost 4) so the failures take milliseconds and the window can be short.
/// </summary>
public sealed class LoginWindowTests : IAsyncLifetime
{
    private const int Attempts = 3;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    private readonly string _htpasswd = Path.Combine(Path.GetTempPath(), $"collage-htpasswd-{Guid.NewGuid():N}");
    private LoopbackServer _upstream = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_htpasswd, $"carol:{BCrypt.Net.BCrypt.HashPassword("singer", 4)}\n");
        _upstream = await AccessUpstream.StartAsync();
        _collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["/"] = $"http://{_upstream.Authority}/up" },
            access = new
            {
                htpasswd = _htpasswd,
                authenticated = new[] { "**" },
                loginAttempts = Attempts,
                loginWindow = Window.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            },
        });
    }

    public async Task DisposeAsync()
    {
        await _collage.DisposeAsync();
        await _upstream.DisposeAsync();
        File.Delete(_htpasswd);
    }

    [Fact]
    public async Task Throttled_WindowPasses_RightPasswordLogsInAgain()
    {
        var started = Stopwatch.StartNew();
        for (var i = 0; i < Attempts; i++)
        {
            (await _collage.Client.StatusAsync("/v2/team/app/manifests/v1", $"carol:guess-{i}")).Should().Be(HttpStatusCode.Unauthorized);
        }

        var throttledAt = started.Elapsed;
        (await _collage.Client.StatusAsync("/v2/team/app/manifests/v1", "carol:singer")).Should().Be(HttpStatusCode.TooManyRequests);

        var after = await Eventually.GetAsync(
            () => _collage.Client.StatusAsync("/v2/team/app/manifests/v1", "carol:singer"),
            s => s == HttpStatusCode.OK,
            Window + TimeSpan.FromSeconds(10));

        after.Should().Be(HttpStatusCode.OK, "the window passed");
        if (throttledAt < Window)
        {
            // Only provable when the failures all fell inside one window (they take milliseconds; a stalled machine
            // could spread them): the first failure opened it, so the login returns no sooner than a window later.
            started.Elapsed.Should().BeGreaterThan(Window - TimeSpan.FromMilliseconds(200), "not before the window passed");
        }
    }
}
