using System.Security.Cryptography;
using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.EndToEnd;

/// <summary>
/// skopeo pulls through the real gateway from real secured registries: htpasswd Basic and <c>auth: token</c> with
/// a JWT token server. Gateway mode with Collage's credentials, pass-through with the client's.
/// </summary>
[Collection(SecuredRegistriesCollection.Name)]
public sealed class SecuredPullTests(SecuredRegistriesFixture fixture)
{
    private string Image(CollageServer collage, string mount) =>
        $"docker://127.0.0.1:{collage.BaseUri.Port}/{mount}/app:{SecuredRegistriesFixture.Tag}";

    [Fact]
    public async Task Gateway_CopyWithoutClientCredentials_PullsFromBasicAndTokenRegistries()
    {
        using var secrets = TempDirectory.Create("secrets");
        var passwordFile = secrets.Combine("basic-password");
        await File.WriteAllTextAsync(passwordFile, fixture.User.Password + "\n");
        var tokenRequestsBefore = fixture.TokenServer.Requests.Count;
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string>
            {
                ["basic"] = $"http://{fixture.BasicRegistry.HostPort}/team",
                ["token"] = $"http://{fixture.TokenRegistry.HostPort}/team",
            },
            upstreams = new Dictionary<string, object>
            {
                [fixture.BasicRegistry.HostPort] = new { username = fixture.User.Username, passwordFile },
                [fixture.TokenRegistry.HostPort] = new { username = fixture.User.Username, password = fixture.User.Password },
            },
        });

        foreach (var mount in new[] { "basic", "token" })
        {
            using var target = TempDirectory.Create("secured-" + mount);
            await fixture.Skopeo.CopyAsync(Image(collage, mount), $"dir:{target.Path}");
            var manifest = await File.ReadAllBytesAsync(target.Combine("manifest.json"));
            ("sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest))).Should().Be(fixture.App.ManifestDigest, $"{mount} must pull the seeded image");
            foreach (var blob in fixture.App.BlobDigests)
            {
                File.Exists(target.Combine(Sha256Digest.Hex(blob))).Should().BeTrue($"{mount} must deliver blob {blob}");
            }
        }

        var tokenRequests = fixture.TokenServer.Requests.Skip(tokenRequestsBefore).ToList();
        tokenRequests.Should().NotBeEmpty();
        tokenRequests.Should().OnlyContain(r => r.Header("Authorization") == fixture.User.HeaderValue, "Collage asks with its configured credentials");
        tokenRequests.Select(r => r.Query["scope"].ToString()).Distinct().Should().BeEquivalentTo(["repository:team/app:pull"], "one token per scope, cached");
        collage.Logs.All.Should().NotContain(fixture.User.Password).And.NotContain(fixture.User.HeaderValue["Basic ".Length..]);
    }

    [Fact]
    public async Task Gateway_WrongConfiguredCredentials_ClientGetsUnauthorizedAndLogNamesUpstreamNotSecret()
    {
        var wrong = "wrong-" + Guid.NewGuid().ToString("N");
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string>
            {
                ["basic"] = $"http://{fixture.BasicRegistry.HostPort}/team",
                ["token"] = $"http://{fixture.TokenRegistry.HostPort}/team",
            },
            upstreams = new Dictionary<string, object>
            {
                [fixture.BasicRegistry.HostPort] = new { username = fixture.User.Username, password = wrong },
                [fixture.TokenRegistry.HostPort] = new { username = fixture.User.Username, password = wrong },
            },
        });

        foreach (var (mount, upstream) in new[] { ("basic", fixture.BasicRegistry.HostPort), ("token", fixture.TokenRegistry.HostPort) })
        {
            using var target = TempDirectory.Create("wrong-" + mount);
            var copy = () => fixture.Skopeo.CopyAsync(Image(collage, mount), $"dir:{target.Path}");
            var failure = await copy.Should().ThrowAsync<ProcessFailedException>();
            failure.Which.Result.StandardError.Should().Contain("authentication required by the upstream registry");
            failure.Which.Result.StandardError.Should().NotContain(wrong);
            collage.Logs.Lines.Should().Contain(l => l.Contains(upstream, StringComparison.Ordinal) && l.Contains("credentials", StringComparison.Ordinal));
        }

        collage.Logs.All.Should().NotContain(wrong);
    }

    [Fact]
    public async Task Passthrough_SrcCreds_PullsAndTokensAreCachedPerScope()
    {
        await using var collage = await PassthroughCollageAsync();
        var before = fixture.TokenServer.Requests.Count;

        using var first = TempDirectory.Create("pass-1");
        await fixture.Skopeo.CopyAsync(Image(collage, "token"), $"dir:{first.Path}", "--src-creds", fixture.User.ColonSeparated);
        var manifest = await File.ReadAllBytesAsync(first.Combine("manifest.json"));
        ("sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest))).Should().Be(fixture.App.ManifestDigest);
        var afterFirst = fixture.TokenServer.Requests.Count;
        var relayed = fixture.TokenServer.Requests.Skip(before).ToList();
        relayed.Should().NotBeEmpty().And.OnlyContain(r => r.Header("Authorization") == fixture.User.HeaderValue, "the client's credentials are relayed as given");
        relayed.Should().OnlyContain(r => r.Query["scope"].ToString() == "repository:team/app:pull", "local scopes are mapped to the upstream's");

        using var second = TempDirectory.Create("pass-2");
        await fixture.Skopeo.CopyAsync(Image(collage, "token"), $"dir:{second.Path}", "--src-creds", fixture.User.ColonSeparated);
        fixture.TokenServer.Requests.Count.Should().Be(afterFirst, "the second pull's token comes from Collage's cache for the same scope and credentials");
        collage.Logs.All.Should().NotContain(fixture.User.Password);
    }

    [Fact]
    public async Task Passthrough_WithoutCredentials_FailsWith401()
    {
        await using var collage = await PassthroughCollageAsync();
        using var target = TempDirectory.Create("pass-anon");

        var copy = () => fixture.Skopeo.CopyAsync(Image(collage, "token"), $"dir:{target.Path}");

        var failure = await copy.Should().ThrowAsync<ProcessFailedException>();
        failure.Which.Result.StandardError.Should().MatchRegex("(?i)unauthorized|authentication required");
    }

    [Fact]
    public async Task Passthrough_WrongCredentials_Fail()
    {
        await using var collage = await PassthroughCollageAsync();
        using var target = TempDirectory.Create("pass-wrong");
        var wrong = "wrong-" + Guid.NewGuid().ToString("N");

        var copy = () => fixture.Skopeo.CopyAsync(Image(collage, "token"), $"dir:{target.Path}", "--src-creds", $"{fixture.User.Username}:{wrong}");

        var failure = await copy.Should().ThrowAsync<ProcessFailedException>();
        failure.Which.Result.StandardError.Should().MatchRegex("(?i)unauthorized|authentication required|token server refused");
        collage.Logs.All.Should().NotContain(wrong);
    }

    [Fact]
    public async Task Passthrough_CtrThroughHostsTomlMirror_NsSelectsThePassthroughVhostAndTheUserGetsATokenForIt()
    {
        // containerd as a node mirror client: the Host is Collage's (whose global map mounts nothing), ns names the
        // registry, and the realm of Collage's challenge must keep that ns, or the token endpoint looks in the wrong
        // map. ctr --user speaks the OAuth 2.0 POST form to the realm. The fallback server is a closed loopback port:
        // were the mirror to fail, ctr must not look the registry's name up in DNS.
        const string registry = "registry.production.lan";
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string>(),
            vhosts = new Dictionary<string, object>
            {
                [registry] = new { mappings = new Dictionary<string, string> { ["/"] = $"http://{fixture.TokenRegistry.HostPort}/team" } },
            },
            upstreams = new Dictionary<string, object> { [fixture.TokenRegistry.HostPort] = new { auth = "passthrough" } },
        });
        await using var containerd = await ContainerdDaemon.StartAsync();
        using var hosts = TempDirectory.Create("hosts-pass");
        Directory.CreateDirectory(hosts.Combine(registry));
        await File.WriteAllTextAsync(hosts.Combine(registry, "hosts.toml"), $$"""
            server = "http://127.0.0.1:1"

            [host."http://127.0.0.1:{{collage.BaseUri.Port}}"]
              capabilities = ["pull", "resolve"]
            """);
        var before = fixture.TokenServer.Requests.Count;

        await containerd.PullAsync($"{registry}/app:{SecuredRegistriesFixture.Tag}", hosts.Path, null, "--plain-http", "--user", fixture.User.ColonSeparated);

        (await containerd.ImageNamesAsync()).Should().Contain($"{registry}/app:{SecuredRegistriesFixture.Tag}");
        var relayed = fixture.TokenServer.Requests.Skip(before).ToList();
        relayed.Should().NotBeEmpty().And.OnlyContain(r => r.Method == "POST", "ctr with --user sends the OAuth 2.0 password grant");
        collage.Logs.All.Should().NotContain(fixture.User.Password);
    }

    private Task<CollageServer> PassthroughCollageAsync() => CollageServer.StartAsync(new
    {
        mappings = new Dictionary<string, string> { ["token"] = $"http://{fixture.TokenRegistry.HostPort}/team" },
        upstreams = new Dictionary<string, object> { [fixture.TokenRegistry.HostPort] = new { auth = "passthrough" } },
    });
}
