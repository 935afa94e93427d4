using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Access;

/// <summary>
/// podman 4.3 through Collage's token server: <c>podman login</c> is checked with a token fetched at
/// <c>/v2/token</c> with Basic, <c>podman pull</c> then fetches tokens with the saved login and pulls with Bearer;
/// after <c>podman logout</c> the pull gets only an anonymous token, which a protected repository refuses.
/// </summary>
[Collection(RealRegistriesCollection.Name)]
public sealed class PodmanTokenFlowTests(RealRegistriesFixture fixture) : IAsyncLifetime
{
    private readonly Podman _podman = new();
    private readonly TempDirectory _config = TempDirectory.Create("podman-token");
    private AccessGateway _gateway = null!;
    private string _registriesConf = null!;

    private string AuthFile => _config.Combine("auth.json");

    private Dictionary<string, string> WithAuthFile => new() { ["REGISTRY_AUTH_FILE"] = AuthFile };

    public async Task InitializeAsync()
    {
        _gateway = await AccessGateway.StartAsync(fixture);
        _registriesConf = _config.Combine("registries.conf");
        await File.WriteAllTextAsync(_registriesConf, "unqualified-search-registries = []\n");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _podman.Dispose();
        _config.Dispose();
    }

    [Fact]
    public async Task LoginThenPull_TokensFetchedWithTheLoginAndBearerPulls()
    {
        await _podman.LoginAsync(_gateway.HostPort, "alice", AccessGateway.AlicePassword, AuthFile);
        var requests = _gateway.Requests;
        requests.TokenRequests.Should().Contain(r => r.Status == 200 && r.BasicUser == "alice", "podman login checks the password at the token endpoint: " + requests.Describe());

        await _podman.PullAsync(_gateway.Reference("team/app", "v1"), _registriesConf, WithAuthFile);

        (await _podman.ImageDigestAsync(_gateway.Reference("team/app", "v1"))).Should().Be(fixture.App.ManifestDigest);
        requests.TokenRequests.Should().Contain(
            r => r.Status == 200 && r.BasicUser == "alice" && r.DecodedQuery.Contains("scope=repository:team/app:pull", StringComparison.Ordinal),
            requests.Describe());
        var pulls = requests.RequestsFor("team/app");
        pulls.Should().Contain(r => r.Path.StartsWith("/v2/team/app/blobs/", StringComparison.Ordinal) && r.Status == 200, requests.Describe())
            .And.OnlyContain(r => r.IsBearer && r.TokenSubject == "alice" && r.TokenRepositories.Contains("team/app"), "podman pulls with the token, not Basic");
        _gateway.AccessLines.Where(l => l.Contains("/v2/token 200", StringComparison.Ordinal)).Should().NotBeEmpty().And.OnlyContain(l => l.EndsWith("user=alice", StringComparison.Ordinal));
        _gateway.Collage.Logs.All.Should().NotContain(AccessGateway.AlicePassword);
    }

    [Fact]
    public async Task LogoutThenPull_ProtectedRepository_AuthenticationRequired()
    {
        await _podman.LoginAsync(_gateway.HostPort, "alice", AccessGateway.AlicePassword, AuthFile);
        await _podman.PullAsync(_gateway.Reference("team/sub/tool", "v1"), _registriesConf, WithAuthFile);
        (await _podman.ImageDigestAsync(_gateway.Reference("team/sub/tool", "v1"))).Should().Be(fixture.Tool.ManifestDigest, "the login pulls");

        await _podman.LogoutAsync(_gateway.HostPort, AuthFile);
        (await File.ReadAllTextAsync(AuthFile)).Should().NotContain(_gateway.HostPort, "logout removed the login");
        var before = _gateway.Requests.Requests.Count;
        var pull = () => _podman.PullAsync(_gateway.Reference("team/app", "v1"), _registriesConf, WithAuthFile);

        (await pull.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError.Should().MatchRegex("(?i)authentication required|unauthorized");
        var after = _gateway.Requests.Requests.Skip(before).ToList();
        after.Where(r => r.IsTokenRequest).Should().NotBeEmpty(_gateway.Requests.Describe()).And.OnlyContain(r => r.Scheme == null, "no login is left to send");
        after.Where(r => r.IsFor("team/app")).Should().NotBeEmpty().And.OnlyContain(r => r.Status == 401 && r.IsBearer && r.TokenSubject == null && r.TokenRepositories.Count == 0);
    }
}
