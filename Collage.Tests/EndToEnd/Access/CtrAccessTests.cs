using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Access;

/// <summary>
/// containerd's ctr against Collage with access control: anonymous first, then Basic credentials from
/// <c>--user</c> after Collage's Basic challenge; forbidden pulls fail; an anonymous pull of the public mount works.
/// </summary>
[Collection(RealRegistriesCollection.Name)]
public sealed class CtrAccessTests(RealRegistriesFixture fixture) : IAsyncLifetime
{
    private readonly TempDirectory _hosts = TempDirectory.Create("ctr-access-hosts");
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
    public async Task Pull_UserWithGrant_AnsweredAfterTheChallenge()
    {
        var reference = _gateway.Reference("team/app", "v1");

        await _containerd.PullAsync(reference, _hosts.Path, null, "--user", AccessGateway.Alice);

        (await _containerd.ImageNamesAsync()).Should().Contain(reference);
        var lines = _gateway.AccessLines;
        lines.Should().Contain(l => l.Contains("/v2/team/app/manifests/v1 401", StringComparison.Ordinal) && l.EndsWith("user=-", StringComparison.Ordinal), "containerd asks without credentials first");
        lines.Where(l => l.Contains("/v2/team/app/blobs/", StringComparison.Ordinal)).Should()
            .HaveCount(fixture.App.BlobDigests.Count).And.OnlyContain(l => l.Contains(" 200 ", StringComparison.Ordinal) && l.EndsWith("user=alice", StringComparison.Ordinal));
        _gateway.Collage.Logs.All.Should().NotContain(AccessGateway.AlicePassword);
    }

    [Fact]
    public async Task Pull_UserWithoutGrant_NotFound()
    {
        var pull = () => _containerd.PullAsync(_gateway.Reference("team/app", "v1"), _hosts.Path, null, "--user", AccessGateway.Bob);

        (await pull.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError.Should().MatchRegex("(?i)not found");
        (await _containerd.ImageNamesAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Pull_WrongPassword_Unauthorized()
    {
        var pull = () => _containerd.PullAsync(_gateway.Reference("team/app", "v1"), _hosts.Path, null, "--user", "alice:not-her-password");

        var error = (await pull.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError;
        error.Should().MatchRegex("(?i)401|unauthorized").And.NotContain("not-her-password");
    }

    [Fact]
    public async Task Pull_Anonymous_PublicMount()
    {
        var reference = _gateway.Reference("public/alpine", "latest");

        await _containerd.PullAsync(reference, _hosts.Path);

        (await _containerd.ImageNamesAsync()).Should().Contain(reference);
    }

    [Fact]
    public async Task Pull_Anonymous_ProtectedMount_Unauthorized()
    {
        var pull = () => _containerd.PullAsync(_gateway.Reference("other/thing", "v1"), _hosts.Path);

        (await pull.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError.Should().MatchRegex("(?i)401|unauthorized");
    }
}
