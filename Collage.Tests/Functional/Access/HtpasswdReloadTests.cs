using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Collage.Tests.Functional.Observability;

namespace Collage.Tests.Functional.Access;

/// <summary>
/// The htpasswd file is re-read while Collage runs: a user added can log in, one removed (or a password changed) cannot,
/// within a bounded poll; a broken edit keeps the last good users and logs a warning that names the line, never a hash.
/// </summary>
public sealed class HtpasswdReloadTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly string AliceLine = $"alice:{BCrypt.Net.BCrypt.HashPassword("wonderland", 4)}";
    private static readonly string BobLine = $"bob:{BCrypt.Net.BCrypt.HashPassword("builder", 4)}";

    private readonly string _htpasswd = Path.Combine(Path.GetTempPath(), $"collage-htpasswd-{Guid.NewGuid():N}");
    private LoopbackServer _upstream = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_htpasswd, AliceLine + "\n");
        _upstream = await AccessUpstream.StartAsync();
        _collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["/"] = $"http://{_upstream.Authority}/up" },
            // Polling with a password that does not work yet counts as failed logins: no throttle here.
            access = new { htpasswd = _htpasswd, authenticated = new[] { "**" }, loginAttempts = 100_000 },
        });
    }

    public async Task DisposeAsync()
    {
        await _collage.DisposeAsync();
        await _upstream.DisposeAsync();
        File.Delete(_htpasswd);
    }

    [Fact]
    public async Task UserAdded_LogsInWithinPoll()
    {
        (await StatusAsync("bob:builder")).Should().Be(HttpStatusCode.Unauthorized);

        await File.WriteAllTextAsync(_htpasswd, $"{AliceLine}\n{BobLine}\n");

        (await Eventually.GetAsync(() => StatusAsync("bob:builder"), s => s == HttpStatusCode.OK, Patience)).Should().Be(HttpStatusCode.OK);
        (await StatusAsync("alice:wonderland")).Should().Be(HttpStatusCode.OK);
        _collage.Logs.All.Should().Contain("Access control: 2 users read from " + _htpasswd);
    }

    [Fact]
    public async Task UserRemoved_RefusedWithinPoll_EvenAfterARememberedLogin()
    {
        await File.WriteAllTextAsync(_htpasswd, $"{AliceLine}\n{BobLine}\n");
        (await Eventually.GetAsync(() => StatusAsync("bob:builder"), s => s == HttpStatusCode.OK, Patience)).Should().Be(HttpStatusCode.OK);

        await File.WriteAllTextAsync(_htpasswd, AliceLine + "\n");

        // Well within the minute a verified login is remembered for: the file change ends it.
        (await Eventually.GetAsync(() => StatusAsync("bob:builder"), s => s == HttpStatusCode.Unauthorized, Patience)).Should().Be(HttpStatusCode.Unauthorized);
        (await StatusAsync("alice:wonderland")).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task PasswordChanged_OldRefused_NewAccepted()
    {
        (await StatusAsync("alice:wonderland")).Should().Be(HttpStatusCode.OK);

        await File.WriteAllTextAsync(_htpasswd, $"alice:{BCrypt.Net.BCrypt.HashPassword("looking-glass", 4)}\n");

        (await Eventually.GetAsync(() => StatusAsync("alice:looking-glass"), s => s == HttpStatusCode.OK, Patience)).Should().Be(HttpStatusCode.OK);
        (await StatusAsync("alice:wonderland")).Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task BrokenEdit_LastGoodUsersWork_WarningNamesLineNotHash()
    {
        (await StatusAsync("alice:wonderland")).Should().Be(HttpStatusCode.OK);
        const string Sha1 = "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=";

        await File.WriteAllTextAsync(_htpasswd, $"{AliceLine}\n{BobLine}\ncarol:{Sha1}\n");

        var warning = await Eventually.GetAsync(
            async () => await StatusAsync("alice:wonderland") == HttpStatusCode.OK ? WarningAboutFile() : "alice was refused",
            line => line is not null,
            Patience);
        warning.Should().NotBeNull("a broken edit is logged").And.Contain("line 3").And.Contain("last good users stay in force");
        warning.Should().NotContain(Sha1).And.NotContain(AliceLine[6..]).And.NotContain(BobLine[4..]);
        (await StatusAsync("alice:wonderland")).Should().Be(HttpStatusCode.OK);
        (await StatusAsync("bob:builder")).Should().Be(HttpStatusCode.Unauthorized, "nothing of a broken file is taken");

        await File.WriteAllTextAsync(_htpasswd, $"{AliceLine}\n{BobLine}\n");

        (await Eventually.GetAsync(() => StatusAsync("bob:builder"), s => s == HttpStatusCode.OK, Patience)).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task FileDeleted_LastGoodUsersWork()
    {
        (await StatusAsync("alice:wonderland")).Should().Be(HttpStatusCode.OK);

        File.Delete(_htpasswd);

        var warning = await Eventually.GetAsync(
            async () => await StatusAsync("alice:wonderland") == HttpStatusCode.OK ? WarningAboutFile() : "alice was refused",
            line => line is not null,
            Patience);
        warning.Should().Contain("FileNotFoundException");
        (await StatusAsync("alice:wonderland")).Should().Be(HttpStatusCode.OK);
    }

    // The file is looked at when someone logs in (at most once a second), so the polls log in.
    private string? WarningAboutFile() =>
        _collage.Logs.Lines.FirstOrDefault(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains(_htpasswd, StringComparison.Ordinal));

    private Task<HttpStatusCode> StatusAsync(string credentials) => _collage.Client.StatusAsync("/v2/team/app/manifests/v1", credentials);
}
