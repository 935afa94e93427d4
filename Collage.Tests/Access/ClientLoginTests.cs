using System.Net;
using System.Text;
using Collage.Transforms.Access;
using Collage.Transforms.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Access;

/// <summary>
/// <see cref="ClientLogin"/> on requests built in memory: which credentials name which identity, what is refused, and
/// the failed-login throttle per address and per user name.
/// </summary>
public sealed class ClientLoginTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("collage-login-").FullName;
    private readonly FakeTimeProvider _time = new();
    private readonly ClientLogin _login;
    private readonly AccessPolicy _policy;

    public ClientLoginTests()
    {
        File.WriteAllText(Htpasswd, string.Join('\n', Line("alice", "wonderland"), Line("bob", "builder"), Line("jürgen", "pä:ss wört"), string.Empty));
        _login = new ClientLogin(_time, NullLoggerFactory.Instance);
        _policy = Policy(Htpasswd, attempts: 3);
    }

    private string Htpasswd => Path.Combine(_directory, "htpasswd");

    // The login of a request from its connection's address (no proxy in front).
    private (LoginOutcome Outcome, AccessIdentity Identity) Login(HttpContext context, AccessPolicy policy) =>
        _login.LoginAsync(context, policy, context.Connection.RemoteIpAddress?.ToString() ?? "unknown").AsTask().GetAwaiter().GetResult();

    public void Dispose()
    {
        _login.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Login_NoAuthorization_Anonymous()
    {
        var (outcome, identity) = Login(Request(null), _policy);

        outcome.Should().Be(LoginOutcome.Anonymous);
        identity.IsAnonymous.Should().BeTrue();
    }

    [Fact]
    public void Login_RightPassword_UserWithGroups()
    {
        var (outcome, identity) = Login(Request(Basic("alice:wonderland")), _policy);

        outcome.Should().Be(LoginOutcome.User);
        identity.User.Should().Be("alice");
        identity.Groups.Should().BeEquivalentTo(["platform"]);
    }

    [Fact]
    public void Login_Utf8AndColonInPassword_SplitAtFirstColon()
    {
        Login(Request(Basic("jürgen:pä:ss wört")), _policy).Outcome.Should().Be(LoginOutcome.User);
    }

    [Theory]
    [InlineData("alice:builder")]
    [InlineData("alice:")]
    [InlineData("mallory:wonderland")]
    [InlineData(":wonderland")]
    [InlineData("alicewonderland")]
    public void Login_WrongOrMalformedBasic_Refused(string credentials)
    {
        Login(Request(Basic(credentials)), _policy).Outcome.Should().Be(LoginOutcome.Refused);
    }

    [Theory]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.e30.x")]
    [InlineData("Basic !!!not-base64!!!")]
    [InlineData("Basic")]
    [InlineData("Digest username=\"alice\"")]
    [InlineData("garbage")]
    public void Login_OtherSchemeOrBadEncoding_Refused(string header)
    {
        Login(Request(header), _policy).Outcome.Should().Be(LoginOutcome.Refused);
    }

    [Fact]
    public void Login_EmptyUserAndPassword_Anonymous_NotThrottled()
    {
        // containers/image sends "Basic Og==" after a Basic challenge when it has no credentials.
        for (var i = 0; i < 5; i++)
        {
            var (outcome, identity) = Login(Request("Basic Og=="), _policy);
            outcome.Should().Be(LoginOutcome.Anonymous);
            identity.IsAnonymous.Should().BeTrue();
        }

        Login(Request(Basic("alice:wonderland")), _policy).Outcome.Should().Be(LoginOutcome.User, "no failed login was counted");
    }

    [Fact]
    public void Login_SchemeInAnyCase_Accepted()
    {
        var header = "bASIC " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:wonderland"));

        Login(Request(header), _policy).Outcome.Should().Be(LoginOutcome.User);
    }

    [Fact]
    public void Login_NoHtpasswdConfigured_EveryLoginRefused()
    {
        var policy = AccessPolicy.Build(new AccessOptions { Authenticated = ["**"] });

        Login(Request(Basic("alice:wonderland")), policy).Outcome.Should().Be(LoginOutcome.Refused);
    }

    [Fact]
    public void Login_PastAttemptsFromOneAddress_ThrottledEvenWithTheRightPassword()
    {
        for (var i = 0; i < 3; i++)
        {
            Login(Request(Basic("alice:guess" + i), "10.0.0.1"), _policy).Outcome.Should().Be(LoginOutcome.Refused);
        }

        Login(Request(Basic("alice:guess"), "10.0.0.1"), _policy).Outcome.Should().Be(LoginOutcome.Throttled);
        Login(Request(Basic("alice:wonderland"), "10.0.0.1"), _policy).Outcome.Should().Be(LoginOutcome.Throttled);
        Login(Request(Basic("bob:builder"), "10.0.0.1"), _policy).Outcome.Should().Be(LoginOutcome.Throttled, "the address is throttled");
        Login(Request(Basic("alice:wonderland"), "10.0.0.2"), _policy).Outcome.Should().Be(LoginOutcome.Throttled, "the user name is throttled");
        Login(Request(Basic("bob:builder"), "10.0.0.2"), _policy).Outcome.Should().Be(LoginOutcome.User, "another name from another address");
        Login(Request(null, "10.0.0.1"), _policy).Outcome.Should().Be(LoginOutcome.Anonymous, "no credentials, nothing to throttle");
    }

    [Fact]
    public void Login_RememberedRightPassword_ThrottledLikeAGuess_NoOracle()
    {
        // alice's login is remembered (her client sends it on every request); a guesser then exhausts her name's attempts.
        Login(Request(Basic("alice:wonderland"), "10.0.0.1"), _policy).Outcome.Should().Be(LoginOutcome.User);
        for (var i = 0; i < 3; i++)
        {
            Login(Request(Basic("alice:guess" + i), "10.0.9.9"), _policy).Outcome.Should().Be(LoginOutcome.Refused);
        }

        Login(Request(Basic("alice:wonderland"), "10.0.9.9"), _policy).Outcome.Should().Be(LoginOutcome.Throttled, "the guesser's right guess looks like the others");
        Login(Request(Basic("alice:wonderland"), "10.0.0.1"), _policy).Outcome.Should().Be(LoginOutcome.Throttled, "the name waits out the window, remembered or not");
    }

    [Fact]
    public void Login_ReloadChangesTheLimits_NewLimitersTakeOverAndTheOldAreDisposedAMinuteLater()
    {
        for (var i = 0; i < 3; i++)
        {
            Login(Request(Basic("alice:guess" + i), "10.0.0.1"), _policy);
        }

        Login(Request(Basic("alice:wonderland"), "10.0.0.1"), _policy).Outcome.Should().Be(LoginOutcome.Throttled);
        var old = ((SwappedLimiters<LoginLimiters>)typeof(ClientLogin).GetField("_limiters", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(_login)!).For(_policy);
        var reloaded = Policy(Htpasswd, attempts: 5);

        Login(Request(Basic("alice:wonderland"), "10.0.0.1"), reloaded).Outcome.Should().Be(LoginOutcome.User, "the new limits count afresh");
        old.Failures.GetStatistics("address:10.0.0.1").Should().NotBeNull("a login that took the old pair may still be using it");
        _time.Advance(TimeSpan.FromMinutes(1));

        var disposed = () => old.Failures.GetStatistics("address:10.0.0.1");
        disposed.Should().Throw<ObjectDisposedException>("the old pair's timers do not outlive it");
    }

    [Fact]
    public void Login_PastAttemptsOnOneName_FromManyAddresses_Throttled()
    {
        for (var i = 0; i < 3; i++)
        {
            Login(Request(Basic("alice:guess"), $"10.0.1.{i}"), _policy).Outcome.Should().Be(LoginOutcome.Refused);
        }

        Login(Request(Basic("alice:wonderland"), "10.0.1.99"), _policy).Outcome.Should().Be(LoginOutcome.Throttled);
        Login(Request(Basic("bob:builder"), "10.0.1.98"), _policy).Outcome.Should().Be(LoginOutcome.User);
    }

    [Fact]
    public void Login_UserRemovedFromFile_RefusedOnceReRead()
    {
        Login(Request(Basic("bob:builder")), _policy).Outcome.Should().Be(LoginOutcome.User);

        File.WriteAllText(Htpasswd, Line("alice", "wonderland") + "\n");
        _time.Advance(TimeSpan.FromSeconds(2));

        Login(Request(Basic("bob:builder")), _policy).Outcome.Should().Be(LoginOutcome.Refused, "a remembered login ends when the file changes");
    }

    [Fact]
    public void Login_PasswordChanged_OldOneRefusedOnceReRead()
    {
        Login(Request(Basic("alice:wonderland")), _policy).Outcome.Should().Be(LoginOutcome.User);

        File.WriteAllText(Htpasswd, Line("alice", "looking-glass") + "\n" + Line("bob", "builder") + "\n");
        _time.Advance(TimeSpan.FromSeconds(2));

        Login(Request(Basic("alice:wonderland")), _policy).Outcome.Should().Be(LoginOutcome.Refused);
        Login(Request(Basic("alice:looking-glass")), _policy).Outcome.Should().Be(LoginOutcome.User);
    }

    [Fact]
    public void RetryAfterSeconds_IsTheWindow_AtLeastOne()
    {
        ClientLogin.RetryAfterSeconds(Policy(Htpasswd, 3, TimeSpan.FromSeconds(90))).Should().Be(90);
        ClientLogin.RetryAfterSeconds(Policy(Htpasswd, 3, TimeSpan.FromMilliseconds(1500))).Should().Be(2);
        ClientLogin.RetryAfterSeconds(Policy(Htpasswd, 3, TimeSpan.FromMilliseconds(10))).Should().Be(1);
    }

    private static string Line(string user, string password) => $"{user}:{BCrypt.Net.BCrypt.HashPassword(password, 4)}";

    private static AccessPolicy Policy(string htpasswd, int attempts, TimeSpan? window = null) => AccessPolicy.Build(new AccessOptions
    {
        Htpasswd = htpasswd,
        Groups = new Dictionary<string, IReadOnlyList<string>> { ["platform"] = ["alice"] },
        Authenticated = ["**"],
        LoginAttempts = attempts,
        LoginWindow = window ?? TimeSpan.FromHours(1),
    });

    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    private static DefaultHttpContext Request(string? authorization, string address = "127.0.0.1")
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context;
    }
}
