using System.Diagnostics;
using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Collage.Tests.Functional.Observability;
using static Collage.Tests.Functional.Access.AccessClient;

namespace Collage.Tests.Functional.Access;

/// <summary>
/// Failed logins are throttled per client address and per user name: past <c>loginAttempts</c> within
/// <c>loginWindow</c> the answer is 429 with Retry-After, without a bcrypt check, and even the right password waits
/// for the window; a different name from another address is not held up.
/// </summary>
public sealed class LoginThrottleTests : IAsyncLifetime
{
    private const int Attempts = 5;
    // Long enough that five cost-12 checks fit on a loaded 2-core machine (one took 24 s under a full parallel run);
    // the window's end is LoginWindowTests' concern, with cheap hashes and a short window.
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(90);

    // Cost 12: a bcrypt check takes a visible while, so skipping it shows.
    private static readonly string AliceLine = $"alice:{BCrypt.Net.BCrypt.HashPassword("wonderland", 12)}";
    private static readonly string BobLine = $"bob:{BCrypt.Net.BCrypt.HashPassword("builder", 4)}";

    private readonly string _htpasswd = Path.Combine(Path.GetTempPath(), $"collage-htpasswd-{Guid.NewGuid():N}");
    private LoopbackServer _upstream = null!;
    private CollageServer _collage = null!;
    private HttpClient _other = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_htpasswd, $"{AliceLine}\n{BobLine}\n");
        _upstream = await AccessUpstream.StartAsync();
        _collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["/"] = $"http://{_upstream.Authority}/up" },
            access = new
            {
                htpasswd = _htpasswd,
                anonymous = new[] { "public/**" },
                authenticated = new[] { "**" },
                loginAttempts = Attempts,
                loginWindow = Window.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            },
        });
        _other = From(IPAddress.Parse("127.0.0.2"), _collage.BaseUri);
    }

    public async Task DisposeAsync()
    {
        _other.Dispose();
        await _collage.DisposeAsync();
        await _upstream.DisposeAsync();
        File.Delete(_htpasswd);
    }

    [Fact]
    public async Task FiftyWrongPasswords_429AfterLoginAttempts_RightPasswordToo()
    {
        var started = Stopwatch.StartNew();
        var answers = new List<(HttpStatusCode Status, string? RetryAfter, string Body, TimeSpan Took)>();
        for (var i = 0; i < 50; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await _collage.Client.SendAsync(Request("/v2/team/app/manifests/v1", $"alice:guess-{i}"));
            var body = await response.Content.ReadAsStringAsync();
            answers.Add((response.StatusCode, response.Headers.RetryAfter?.ToString(), body, clock.Elapsed));
        }

        answers.Take(Attempts).Should().OnlyContain(a => a.Status == HttpStatusCode.Unauthorized && a.RetryAfter == null);
        answers.Skip(Attempts).Should().OnlyContain(a => a.Status == HttpStatusCode.TooManyRequests && a.RetryAfter == "90")
            .And.OnlyContain(a => a.Body.Contains("\"code\":\"TOOMANYREQUESTS\""));
        var throttled = answers.Skip(Attempts).Aggregate(TimeSpan.Zero, (sum, a) => sum + a.Took);
        var oneCheck = answers.Take(Attempts).Min(a => a.Took);
        throttled.Should().BeLessThan(oneCheck, "45 throttled answers together take less than one bcrypt check: none was made");
        started.Elapsed.Should().BeLessThan(Window, "the test needs all 50 inside one window");

        (await _collage.Client.StatusAsync("/v2/team/app/manifests/v1", "alice:wonderland")).Should().Be(HttpStatusCode.TooManyRequests, "the right password waits too");
        (await _collage.Client.StatusAsync("/v2/team/app/manifests/v1", "bob:builder")).Should().Be(HttpStatusCode.TooManyRequests, "the address is throttled");
        (await _other.StatusAsync("/v2/team/app/manifests/v1", "alice:wonderland")).Should().Be(HttpStatusCode.TooManyRequests, "the user name is throttled");
        (await _other.StatusAsync("/v2/team/app/manifests/v1", "bob:builder")).Should().Be(HttpStatusCode.OK, "another name from another address");
        (await _other.StatusAsync("/v2/team/app/manifests/v1", "bob:wrong")).Should().Be(HttpStatusCode.Unauthorized, "bob's own failures are his own");
        (await _collage.Client.StatusAsync("/v2/public/a/manifests/v1", null)).Should().Be(HttpStatusCode.OK, "no credentials, nothing to throttle");
    }

    [Fact]
    public async Task Throttled_HeadAndBase_429WithRetryAfter()
    {
        for (var i = 0; i < Attempts; i++)
        {
            (await _collage.Client.StatusAsync("/v2/", $"bob:guess-{i}")).Should().Be(HttpStatusCode.Unauthorized);
        }

        using var head = await _collage.Client.SendAsync(Request("/v2/team/app/manifests/v1", "bob:builder", HttpMethod.Head));
        using var ping = await _collage.Client.SendAsync(Request("/v2/", "bob:builder"));

        head.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        head.Headers.RetryAfter!.Delta.Should().Be(Window);
        ping.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        _upstream.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task ManyAddressesOneName_ThrottledByName()
    {
        // The same name guessed from several addresses (127.0.0.1 and 127.0.0.2) adds up.
        for (var i = 0; i < Attempts; i++)
        {
            var client = i % 2 == 0 ? _collage.Client : _other;
            (await client.StatusAsync("/v2/team/app/manifests/v1", $"bob:guess-{i}")).Should().Be(HttpStatusCode.Unauthorized);
        }

        using var third = From(IPAddress.Parse("127.0.0.3"), _collage.BaseUri);
        (await third.StatusAsync("/v2/team/app/manifests/v1", "bob:builder")).Should().Be(HttpStatusCode.TooManyRequests);
    }
}
