using Collage.Tests.Access.Oidc;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Access;

/// <summary>
/// skopeo with an OIDC token as the password (<c>--creds anyuser:JWT</c>) through Collage's token server, the JWT from
/// the in-process issuer <see cref="TestIdentityProvider"/> (discovery and JWKS on 127.0.0.1): Collage checks it at
/// <c>/v2/token</c> and pulls go with Collage's token for the user the JWT names; a JWT for another audience is refused.
/// </summary>
[Collection(RealRegistriesCollection.Name)]
public sealed class SkopeoOidcTests(RealRegistriesFixture fixture) : IAsyncLifetime
{
    private TestIdentityProvider _idp = null!;
    private AccessGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _idp = await TestIdentityProvider.StartAsync();
        _gateway = await AccessGateway.StartAsync(fixture, _idp.Options());
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _idp.DisposeAsync();
    }

    [Fact]
    public async Task Inspect_OidcTokenAsPassword_PullsAsItsUser()
    {
        var jwt = _idp.Mint(AccessGateway.OidcUser);

        var inspection = await fixture.Skopeo.InspectAsync(_gateway.Docker("team/app", "v1"), "--creds", $"anyuser:{jwt}");

        inspection.Digest.Should().Be(fixture.App.ManifestDigest);
        var requests = _gateway.Requests;
        requests.TokenRequests.Should().Contain(r => r.Status == 200 && r.BasicUser == "anyuser", requests.Describe());
        requests.RequestsFor("team/app").Should().Contain(r => r.Path == "/v2/team/app/manifests/v1" && r.Status == 200)
            .And.OnlyContain(r => r.IsBearer && r.TokenSubject == AccessGateway.OidcUser, "Collage's token names the user of the OIDC token, not the login name");
        _gateway.AccessLines.Should().Contain(l => l.Contains("/v2/team/app/manifests/v1 200", StringComparison.Ordinal) && l.EndsWith($"user={AccessGateway.OidcUser}", StringComparison.Ordinal));
        _gateway.Collage.Logs.All.Should().NotContain(jwt);
        _idp.JwksFetches.Should().BePositive("the key came from the issuer's JWKS");
    }

    [Fact]
    public async Task Inspect_OidcTokenForAnotherAudience_Unauthorized()
    {
        var jwt = _idp.Mint(AccessGateway.OidcUser, audience: "another-service");

        var inspect = () => fixture.Skopeo.InspectAsync(_gateway.Docker("team/app", "v1"), "--creds", $"anyuser:{jwt}");

        (await inspect.Should().ThrowAsync<ProcessFailedException>()).Which.Result.StandardError.Should().MatchRegex("(?i)authentication required|unauthorized");
        var requests = _gateway.Requests;
        requests.TokenRequests.Should().NotBeEmpty(requests.Describe()).And.OnlyContain(r => r.Status == 401 && r.BasicUser == "anyuser");
        requests.RequestsFor("team/app").Should().NotContain(r => r.Status == 200);
        _gateway.Collage.Logs.All.Should().NotContain(jwt);
    }
}
