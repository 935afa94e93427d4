using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Access;

/// <summary>
/// podman against Collage with access control: <c>podman login</c> (checked by Collage at <c>/v2/</c>) then
/// <c>podman pull</c> with the auth file it wrote; a wrong password fails the login; forbidden pulls fail; an
/// anonymous pull of the public mount works.
/// </summary>
[Collection(RealRegistriesCollection.Name)]
public sealed class PodmanAccessTests(RealRegistriesFixture fixture) : IAsyncLifetime
{
    private readonly Podman _podman = new();
    private readonly TempDirectory _config = TempDirectory.Create("podman-access");
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
    public async Task LoginThenPull_GrantedRepository_Digest()
    {
        await _podman.LoginAsync(_gateway.HostPort, "alice", AccessGateway.AlicePassword, AuthFile);
        (await File.ReadAllTextAsync(AuthFile)).Should().Contain($"\"{_gateway.HostPort}\"", "podman keys the login by Collage's host:port");

        await _podman.PullAsync(_gateway.Reference("team/app", "v1"), _registriesConf, WithAuthFile);

        (await _podman.ImageDigestAsync(_gateway.Reference("team/app", "v1"))).Should().Be(fixture.App.ManifestDigest);
        _gateway.AccessLines.Where(l => l.Contains("/v2/team/app/blobs/", StringComparison.Ordinal)).Should()
            .NotBeEmpty().And.OnlyContain(l => l.EndsWith("user=alice", StringComparison.Ordinal));
        _gateway.Collage.Logs.All.Should().NotContain(AccessGateway.AlicePassword);
    }

    [Fact]
    public async Task Login_WrongPassword_Refused()
    {
        var login = () => _podman.LoginAsync(_gateway.HostPort, "alice", "not-her-password", AuthFile);

        var error = (await login.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError;
        error.Should().MatchRegex("(?i)invalid username/password|unauthorized");
        File.Exists(AuthFile).Should().BeFalse("a refused login writes nothing");
    }

    [Fact]
    public async Task LoginThenPull_RepositoryWithoutGrant_Fails()
    {
        await _podman.LoginAsync(_gateway.HostPort, "alice", AccessGateway.AlicePassword, AuthFile);

        var pull = () => _podman.PullAsync(_gateway.Reference("other/thing", "v1"), _registriesConf, WithAuthFile);

        (await pull.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError.Should().MatchRegex("(?i)name unknown|repository name not known|manifest unknown");
    }

    [Fact]
    public async Task Pull_Anonymous_PublicMount()
    {
        await WriteEmptyAuthFileAsync();
        await _podman.PullAsync(_gateway.Reference("public/alpine", "latest"), _registriesConf, WithAuthFile);

        (await _podman.ImageDigestAsync(_gateway.Reference("public/alpine", "latest"))).Should().Be(fixture.Alpine.ManifestDigest);
        _gateway.AccessLines.Should().Contain(l => l.Contains("/v2/public/alpine/manifests/latest 200", StringComparison.Ordinal) && l.EndsWith("user=-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pull_Anonymous_ProtectedMount_AuthenticationRequired()
    {
        await WriteEmptyAuthFileAsync();
        var pull = () => _podman.PullAsync(_gateway.Reference("team/app", "v1"), _registriesConf, WithAuthFile);

        (await pull.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError.Should().MatchRegex("(?i)authentication required|unauthorized");
    }

    // podman refuses a REGISTRY_AUTH_FILE that does not exist; an empty one keeps root's own logins out of the test.
    private Task WriteEmptyAuthFileAsync() => File.WriteAllTextAsync(AuthFile, "{ \"auths\": {} }");
}
