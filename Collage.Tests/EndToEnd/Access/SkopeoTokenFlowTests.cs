using System.Text;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Access;

/// <summary>
/// skopeo 1.9 through Collage's token server over the real distribution 2.8.2: with <c>--creds</c>, an
/// <c>--authfile</c> or no credentials it takes Collage's Bearer challenge, fetches a token at <c>/v2/token</c> (Basic
/// for a user, nothing for anonymous) and pulls with <c>Bearer</c>, never Basic on the pulls; what the token lacks
/// fails with skopeo's usual errors; a token fetched for one repository (<c>--registry-token</c>) opens that one only.
/// The <see cref="ClientRequestRecorder"/> in front of Collage shows what each request carried.
/// </summary>
[Collection(RealRegistriesCollection.Name)]
public sealed class SkopeoTokenFlowTests(RealRegistriesFixture fixture) : IAsyncLifetime
{
    private AccessGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await AccessGateway.StartAsync(fixture);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Inspect_Creds_TokenFetchedWithBasicThenBearerPulls()
    {
        var inspection = await fixture.Skopeo.InspectAsync(_gateway.Docker("team/app", "v1"), "--creds", AccessGateway.Alice);

        inspection.Digest.Should().Be(fixture.App.ManifestDigest);
        var requests = _gateway.Requests;
        requests.TokenRequests.Should().Contain(
            r => r.Method == "GET" && r.Status == 200 && r.BasicUser == "alice" && r.DecodedQuery.Contains("scope=repository:team/app:pull", StringComparison.Ordinal),
            requests.Describe());
        requests.RequestsFor("team/app").Should().Contain(r => r.Path == "/v2/team/app/manifests/v1" && r.Status == 200, requests.Describe())
            .And.OnlyContain(r => r.IsBearer && r.TokenSubject == "alice" && r.TokenRepositories.Contains("team/app"), "every pull carries the token, none Basic");
        _gateway.AccessLines.Should().Contain(l => l.Contains($"GET {_gateway.HostPort}/v2/token 200", StringComparison.Ordinal) && l.EndsWith("user=alice", StringComparison.Ordinal), "the login is logged with its user");
    }

    [Fact]
    public async Task Copy_Authfile_EveryBlobWithBearerToken()
    {
        using var secrets = TempDirectory.Create("token-authfile");
        using var target = TempDirectory.Create("token-authfile-copy");
        var authFile = secrets.Combine("auth.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(AccessGateway.Alice));
        await File.WriteAllTextAsync(authFile, $$"""{ "auths": { "{{_gateway.HostPort}}": { "auth": "{{auth}}" } } }""");

        await fixture.Skopeo.CopyAsync(_gateway.Docker("team/app", "v1"), $"dir:{target.Path}", "--authfile", authFile);

        var requests = _gateway.Requests;
        requests.TokenRequests.Should().Contain(r => r.Status == 200 && r.BasicUser == "alice", requests.Describe());
        var blobs = requests.RequestsFor("team/app").Where(r => r.Path.StartsWith("/v2/team/app/blobs/", StringComparison.Ordinal)).ToList();
        blobs.Select(r => r.Path[(r.Path.LastIndexOf('/') + 1)..]).Should().BeEquivalentTo(fixture.App.BlobDigests, requests.Describe());
        blobs.Should().OnlyContain(r => r.Status == 200 && r.IsBearer && r.TokenSubject == "alice");
        _gateway.Collage.Logs.All.Should().NotContain(AccessGateway.AlicePassword).And.NotContain(auth);
    }

    [Fact]
    public async Task Copy_Anonymous_PublicMountWithAnonymousToken()
    {
        using var target = TempDirectory.Create("token-anonymous");

        await fixture.Skopeo.CopyAsync(_gateway.Docker("public/alpine", "latest"), $"dir:{target.Path}");

        var requests = _gateway.Requests;
        requests.TokenRequests.Should().Contain(
            r => r.Status == 200 && r.Scheme == null && r.DecodedQuery.Contains("scope=repository:public/alpine:pull", StringComparison.Ordinal),
            requests.Describe());
        requests.RequestsFor("public/alpine").Should().Contain(r => r.Path == "/v2/public/alpine/manifests/latest" && r.Status == 200)
            .And.OnlyContain(r => r.IsBearer && r.TokenSubject == null && r.TokenRepositories.Contains("public/alpine"), "the anonymous token carries the public scope");
    }

    [Fact]
    public async Task Inspect_Anonymous_ProtectedMount_AnonymousTokenRefused()
    {
        var inspect = () => fixture.Skopeo.InspectAsync(_gateway.Docker("team/app", "v1"));

        (await inspect.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError.Should().MatchRegex("(?i)authentication required|unauthorized");
        var requests = _gateway.Requests;
        requests.TokenRequests.Should().Contain(r => r.Status == 200 && r.Scheme == null, "skopeo fetched an anonymous token").And.NotContain(r => r.Scheme != null);
        requests.RequestsFor("team/app").Should().NotBeEmpty(requests.Describe())
            .And.OnlyContain(r => r.Status == 401 && r.IsBearer && r.TokenSubject == null && r.TokenRepositories.Count == 0);
    }

    [Fact]
    public async Task Inspect_UserWithoutGrant_NameUnknownForHerToken()
    {
        var inspect = () => fixture.Skopeo.InspectAsync(_gateway.Docker("team/app", "v1"), "--creds", AccessGateway.Bob);

        (await inspect.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError.Should().MatchRegex("(?i)name unknown|repository name not known");
        var requests = _gateway.Requests;
        requests.TokenRequests.Should().Contain(r => r.Status == 200 && r.BasicUser == "bob", requests.Describe());
        requests.RequestsFor("team/app").Should().NotBeEmpty(requests.Describe())
            .And.OnlyContain(r => r.Status == 404 && r.IsBearer && r.TokenSubject == "bob" && r.TokenRepositories.Count == 0, "bob's token lists nothing he may not pull");
    }

    [Fact]
    public async Task Inspect_RegistryTokenForAnotherRepository_Unauthorized()
    {
        var token = (await TokenClient.GetAsync(_gateway.Collage.Client, _gateway.HostPort, AccessGateway.Alice, ["repository:team/app:pull"])).Token;

        (await fixture.Skopeo.InspectAsync(_gateway.Docker("team/app", "v1"), "--registry-token", token)).Digest.Should().Be(fixture.App.ManifestDigest, "the token opens the repository it was fetched for");
        var inspect = () => fixture.Skopeo.InspectAsync(_gateway.Docker("team/sub/tool", "v1"), "--registry-token", token);

        (await inspect.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError.Should().MatchRegex("(?i)authentication required|unauthorized");
        var requests = _gateway.Requests;
        requests.TokenRequests.Should().ContainSingle("only the test fetched a token; skopeo used the one it was given");
        requests.RequestsFor("team/sub/tool").Should().NotBeEmpty(requests.Describe())
            .And.OnlyContain(r => r.Status == 401 && r.IsBearer && r.TokenSubject == "alice", "alice may pull team/sub/tool, but not with a token for team/app");
    }
}
