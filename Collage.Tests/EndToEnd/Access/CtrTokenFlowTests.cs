using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Access;

/// <summary>
/// containerd 1.6's ctr through Collage's token server: with <c>--user</c> it takes the Bearer challenge and asks
/// <c>/v2/token</c> with the OAuth 2.0 form (<c>POST grant_type=password</c>), then pulls with Bearer; without it, it
/// asks without a token first (a public mount answers at once) and after the challenge fetches an anonymous token
/// with a GET. A wrong password is refused at the token endpoint.
/// </summary>
[Collection(RealRegistriesCollection.Name)]
public sealed class CtrTokenFlowTests(RealRegistriesFixture fixture) : IAsyncLifetime
{
    private readonly TempDirectory _hosts = TempDirectory.Create("ctr-token-hosts");
    private ContainerdDaemon _containerd = null!;
    private AccessGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _containerd = await ContainerdDaemon.StartAsync();
        _gateway = await AccessGateway.StartAsync(fixture);
        Directory.CreateDirectory(_hosts.Combine(_gateway.HostPort));
        await File.WriteAllTextAsync(_hosts.Combine(_gateway.HostPort, "hosts.toml"), $"""
            server = "http://{_gateway.HostPort}"

            [host."http://{_gateway.HostPort}"]
              capabilities = ["pull", "resolve"]
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _containerd.DisposeAsync();
        _hosts.Dispose();
    }

    [Fact]
    public async Task Pull_User_PasswordGrantPostedThenBearerPulls()
    {
        var reference = _gateway.Reference("team/app", "v1");

        await _containerd.PullAsync(reference, _hosts.Path, null, "--user", AccessGateway.Alice);

        (await _containerd.ImageNamesAsync()).Should().Contain(reference);
        var requests = _gateway.Requests;
        requests.TokenRequests.Should().NotBeEmpty(requests.Describe())
            .And.OnlyContain(r => r.Method == "POST" && r.Status == 200 && r.GrantType == "password" && r.FormUser == "alice" && r.Scheme == null, "containerd posts the OAuth form, never Basic");
        var blobs = requests.RequestsFor("team/app").Where(r => r.Path.StartsWith("/v2/team/app/blobs/", StringComparison.Ordinal)).ToList();
        blobs.Select(r => r.Path[(r.Path.LastIndexOf('/') + 1)..]).Should().BeEquivalentTo(fixture.App.BlobDigests, requests.Describe());
        requests.RequestsFor("team/app").Where(r => r.Status == 200).Should().NotBeEmpty()
            .And.OnlyContain(r => r.IsBearer && r.TokenSubject == "alice" && r.TokenRepositories.Contains("team/app"));
        _gateway.AccessLines.Should().Contain(l => l.Contains($"POST {_gateway.HostPort}/v2/token 200", StringComparison.Ordinal) && l.EndsWith("user=alice", StringComparison.Ordinal));
        _gateway.Collage.Logs.All.Should().NotContain(AccessGateway.AlicePassword);
    }

    [Fact]
    public async Task Pull_WrongPassword_PasswordGrantRefused()
    {
        var pull = () => _containerd.PullAsync(_gateway.Reference("team/app", "v1"), _hosts.Path, null, "--user", "alice:not-her-password");

        (await pull.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError.Should().MatchRegex("(?i)401|unauthorized");
        var requests = _gateway.Requests;
        // containerd 1.6 falls back from a refused POST to the GET with Basic: both are refused.
        requests.TokenRequests.Should().Contain(r => r.Method == "POST" && r.GrantType == "password" && r.FormUser == "alice", requests.Describe())
            .And.OnlyContain(r => r.Status == 401);
        requests.RequestsFor("team/app").Should().NotContain(r => r.Status == 200, "nothing was pulled");
        _gateway.AccessLines.Should().Contain(l => l.Contains($"POST {_gateway.HostPort}/v2/token 401", StringComparison.Ordinal) && l.EndsWith("user=-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pull_Anonymous_PublicMountWithoutToken()
    {
        var reference = _gateway.Reference("public/alpine", "latest");

        await _containerd.PullAsync(reference, _hosts.Path);

        // ctr asks for the manifest before any /v2/ ping, and the anonymous policy answers it without a challenge.
        (await _containerd.ImageNamesAsync()).Should().Contain(reference);
        var requests = _gateway.Requests;
        requests.TokenRequests.Should().BeEmpty(requests.Describe());
        requests.RequestsFor("public/alpine").Should().Contain(r => r.Path.StartsWith("/v2/public/alpine/blobs/", StringComparison.Ordinal))
            .And.OnlyContain(r => r.Scheme == null && r.Status == 200);
    }

    [Fact]
    public async Task Pull_Anonymous_ProtectedMount_AnonymousTokenRefused()
    {
        var pull = () => _containerd.PullAsync(_gateway.Reference("other/thing", "v1"), _hosts.Path);

        (await pull.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError.Should().MatchRegex("(?i)401|unauthorized");
        var requests = _gateway.Requests;
        requests.TokenRequests.Should().NotBeEmpty(requests.Describe()).And.OnlyContain(r => r.Method == "GET" && r.Status == 200 && r.Scheme == null, "without credentials containerd GETs an anonymous token");
        requests.RequestsFor("other/thing").Should().Contain(r => r.IsBearer && r.Status == 401 && r.TokenSubject == null && r.TokenRepositories.Count == 0, "the anonymous token lists nothing: " + requests.Describe())
            .And.NotContain(r => r.Status == 200);
    }
}
