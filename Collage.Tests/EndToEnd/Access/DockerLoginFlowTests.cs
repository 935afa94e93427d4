using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Access;

/// <summary>
/// docker's login and pull spoken by hand (no docker daemon here), against the real distribution 2.8.2 behind
/// Collage: <c>GET /v2/</c> answers 401 with the Bearer challenge; <c>docker login</c> fetches a token from that
/// realm with Basic and <c>offline_token=true&amp;client_id=docker</c> and keeps only the refresh token; a later
/// pull POSTs <c>grant_type=refresh_token</c> for its scope and pulls with the token it gets.
/// </summary>
[Collection(RealRegistriesCollection.Name)]
public sealed partial class DockerLoginFlowTests(RealRegistriesFixture fixture) : IAsyncLifetime
{
    private const string ManifestTypes = "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json";

    private AccessGateway _gateway = null!;

    private HttpClient Client => _gateway.Collage.Client;

    public async Task InitializeAsync() => _gateway = await AccessGateway.StartAsync(fixture);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task LoginThenRefreshGrant_TokenPullsManifest()
    {
        var (realm, service) = await PingAsync();
        realm.Should().Be($"http://{_gateway.HostPort}/v2/token");

        // docker login: account, client_id and offline_token, no scope; the refresh token is what it stores.
        var login = await TokenClient.GetAsync(Client, service, AccessGateway.Alice, [], "account=alice&client_id=docker&offline_token=true");
        login.RefreshToken.Should().NotBeNullOrEmpty("docker login asked for an offline token");

        // docker pull with the stored identity token.
        var pull = await TokenClient.PostAsync(Client, RefreshForm(login.RefreshToken!, "repository:team/app:pull"));
        pull.RefreshToken.Should().BeNull("a refresh grant gives a new access token only");
        pull.ExpiresIn.Should().BePositive();

        using (var ping = await TokenClient.SendWithBearerAsync(Client, HttpMethod.Get, "/v2/", pull.Token))
        {
            ping.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using var manifest = await ManifestAsync(pull.Token);
        manifest.StatusCode.Should().Be(HttpStatusCode.OK);
        var bytes = await manifest.Content.ReadAsByteArrayAsync();
        ("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes))).Should().Be(fixture.App.ManifestDigest);
        manifest.Headers.GetValues("Docker-Content-Digest").Should().Equal(fixture.App.ManifestDigest);

        var tokens = _gateway.Requests.TokenRequests;
        tokens.Should().HaveCount(2);
        tokens[0].Should().Match<ClientRequest>(r => r.Method == "GET" && r.BasicUser == "alice" && r.Status == 200);
        tokens[1].Should().Match<ClientRequest>(r => r.Method == "POST" && r.GrantType == "refresh_token" && r.Scheme == null && r.Status == 200);
        _gateway.AccessLines.Should().Contain(l => l.Contains($"POST {_gateway.HostPort}/v2/token 200", StringComparison.Ordinal) && l.EndsWith("user=alice", StringComparison.Ordinal), "the refresh grant is logged with its user");
        _gateway.Collage.Logs.All.Should().NotContain(login.RefreshToken!).And.NotContain(pull.Token).And.NotContain(AccessGateway.AlicePassword);
    }

    [Fact]
    public async Task RefreshToken_AsBearerOnPull_Unauthorized()
    {
        var (_, service) = await PingAsync();
        var login = await TokenClient.GetAsync(Client, service, AccessGateway.Alice, ["repository:team/app:pull"], "client_id=docker&offline_token=true");

        using var refreshAsBearer = await ManifestAsync(login.RefreshToken!);
        using var accessAsBearer = await ManifestAsync(login.Token);

        refreshAsBearer.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a refresh token buys tokens; it does not open repositories");
        refreshAsBearer.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer realm=");
        accessAsBearer.StatusCode.Should().Be(HttpStatusCode.OK, "the access token of the same answer does");
    }

    [Fact]
    public async Task RefreshGrant_WithAccessToken_Unauthorized()
    {
        var (_, service) = await PingAsync();
        var login = await TokenClient.GetAsync(Client, service, AccessGateway.Alice, ["repository:team/app:pull"], "client_id=docker&offline_token=true");

        var refresh = () => TokenClient.PostAsync(Client, RefreshForm(login.Token, "repository:team/app:pull"));

        (await refresh.Should().ThrowAsync<HttpRequestException>()).WithMessage("*answered 401*");
        (await TokenClient.PostAsync(Client, RefreshForm(login.RefreshToken!, "repository:team/app:pull"))).Token.Should().NotBeNullOrEmpty("the refresh token of the same answer works");
    }

    // GET /v2/ without credentials: docker reads its challenge from this 401 only.
    private async Task<(string Realm, string Service)> PingAsync()
    {
        using var response = await Client.GetAsync("/v2/");
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        var match = Challenge().Match(challenge);
        match.Success.Should().BeTrue($"'{challenge}' is a Bearer challenge with realm and service");
        return (match.Groups["realm"].Value, match.Groups["service"].Value);
    }

    // As docker asks (distribution 2.8.2 answers an OCI manifest only to a client that accepts it).
    private async Task<HttpResponseMessage> ManifestAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/team/app/manifests/v1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation("Accept", ManifestTypes);
        return await Client.SendAsync(request);
    }

    private Dictionary<string, string> RefreshForm(string refreshToken, string scope) => new()
    {
        ["grant_type"] = "refresh_token",
        ["refresh_token"] = refreshToken,
        ["service"] = _gateway.HostPort,
        ["client_id"] = "docker",
        ["scope"] = scope,
    };

    [GeneratedRegex("^Bearer realm=\"(?<realm>[^\"]+)\",service=\"(?<service>[^\"]+)\"$")]
    private static partial Regex Challenge();
}
