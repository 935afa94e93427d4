using System.Security.Cryptography;
using System.Text;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Access;

/// <summary>
/// skopeo against Collage with access control over the real distribution 2.8.2: <c>--creds</c>, <c>--src-creds</c> and an
/// <c>--authfile</c> keyed by Collage's host:port pull what the user may; forbidden pulls fail with skopeo's usual
/// errors; anonymous pulls of the public mount work.
/// </summary>
[Collection(RealRegistriesCollection.Name)]
public sealed class SkopeoAccessTests(RealRegistriesFixture fixture)
{
    [Fact]
    public async Task Inspect_CredsOfGrantedUser_Digest()
    {
        await using var gateway = await AccessGateway.StartAsync(fixture);

        var inspection = await fixture.Skopeo.InspectAsync(gateway.Docker("team/app", "v1"), "--creds", AccessGateway.Alice);

        inspection.Digest.Should().Be(fixture.App.ManifestDigest);
        gateway.AccessLines.Should().Contain(l => l.Contains("/v2/team/app/manifests/v1 200", StringComparison.Ordinal) && l.EndsWith("user=alice", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Copy_SrcCredsOfGrantedUser_EveryBlob()
    {
        await using var gateway = await AccessGateway.StartAsync(fixture);
        using var target = TempDirectory.Create("access-copy");

        await fixture.Skopeo.CopyAsync(gateway.Docker("other/thing", "v1"), $"dir:{target.Path}", "--src-creds", AccessGateway.Bob);

        Sha256(await File.ReadAllBytesAsync(target.Combine("manifest.json"))).Should().Be(fixture.Thing.ManifestDigest);
        foreach (var blob in fixture.Thing.BlobDigests)
        {
            Sha256(await File.ReadAllBytesAsync(target.Combine(Sha256Digest.Hex(blob)))).Should().Be(blob);
        }
    }

    [Fact]
    public async Task Copy_Authfile_KeyedByCollageHostPort()
    {
        await using var gateway = await AccessGateway.StartAsync(fixture);
        using var secrets = TempDirectory.Create("access-authfile");
        using var target = TempDirectory.Create("access-authfile-copy");
        var authFile = secrets.Combine("auth.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(AccessGateway.Alice));
        await File.WriteAllTextAsync(authFile, $$"""{ "auths": { "{{gateway.HostPort}}": { "auth": "{{auth}}" } } }""");

        await fixture.Skopeo.CopyAsync(gateway.Docker("team/app", "v1"), $"dir:{target.Path}", "--authfile", authFile);

        Sha256(await File.ReadAllBytesAsync(target.Combine("manifest.json"))).Should().Be(fixture.App.ManifestDigest);
        gateway.Collage.Logs.All.Should().NotContain(AccessGateway.AlicePassword).And.NotContain(auth);
    }

    [Fact]
    public async Task Copy_Anonymous_PublicMount()
    {
        await using var gateway = await AccessGateway.StartAsync(fixture);
        using var target = TempDirectory.Create("access-public");

        await fixture.Skopeo.CopyAsync(gateway.Docker("public/alpine", "latest"), $"dir:{target.Path}");

        Sha256(await File.ReadAllBytesAsync(target.Combine("manifest.json"))).Should().Be(fixture.Alpine.ManifestDigest);
    }

    [Fact]
    public async Task Inspect_CredsOnPublicMount_Pulls()
    {
        await using var gateway = await AccessGateway.StartAsync(fixture);

        (await fixture.Skopeo.InspectAsync(gateway.Docker("public/alpine", "latest"), "--creds", AccessGateway.Bob)).Digest.Should().Be(fixture.Alpine.ManifestDigest);
    }

    [Fact]
    public async Task Inspect_Anonymous_ProtectedMount_AuthenticationRequired()
    {
        await using var gateway = await AccessGateway.StartAsync(fixture);

        var inspect = () => fixture.Skopeo.InspectAsync(gateway.Docker("team/app", "v1"));

        (await inspect.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError.Should().MatchRegex("(?i)authentication required|unauthorized");
    }

    [Fact]
    public async Task Inspect_UserWithoutGrant_NameUnknown()
    {
        await using var gateway = await AccessGateway.StartAsync(fixture);

        var inspect = () => fixture.Skopeo.InspectAsync(gateway.Docker("team/app", "v1"), "--creds", AccessGateway.Bob);

        (await inspect.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError.Should().MatchRegex("(?i)name unknown|repository name not known");
    }

    [Fact]
    public async Task Inspect_WrongPassword_Unauthorized()
    {
        await using var gateway = await AccessGateway.StartAsync(fixture);

        var inspect = () => fixture.Skopeo.InspectAsync(gateway.Docker("team/app", "v1"), "--creds", "alice:not-her-password");

        var error = (await inspect.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError;
        error.Should().MatchRegex("(?i)authentication required|unauthorized").And.NotContain("not-her-password");
    }

    private static string Sha256(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
}
