using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Collage.Tests.Access.Oidc;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace Collage.Tests.Functional.Access;

/// <summary>
/// An OIDC issuer's token as the password of a login, on real Kestrel with an in-process issuer: on every request
/// (Basic) and at the token endpoint, the token names the user and its groups claim grants.
/// </summary>
public sealed class OidcLoginTests : IAsyncLifetime
{
    private TestIdentityProvider _idp = null!;
    private LoopbackServer _upstream = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        _idp = await TestIdentityProvider.StartAsync();
        _upstream = await LoopbackServer.StartAsync(context =>
        {
            context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
            return context.Response.WriteAsync("{}");
        });
        _collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["/"] = $"http://{_upstream.Authority}/up" },
            access = new
            {
                oidc = new { issuer = _idp.Issuer, audience = "collage" },
                rules = new object[]
                {
                    new { repositories = new[] { "ci/**" }, users = new[] { "ci-robot" } },
                    new { repositories = new[] { "platform/**" }, groups = new[] { "platform" } },
                },
            },
        });
    }

    public async Task DisposeAsync()
    {
        await _collage.DisposeAsync();
        await _upstream.DisposeAsync();
        await _idp.DisposeAsync();
    }

    [Fact]
    public async Task Basic_TokenAsPassword_TheTokensUserPulls_AnyUserNameTyped()
    {
        var jwt = _idp.Mint("ci-robot");

        (await StatusAsync("/v2/ci/app/manifests/v1", Basic("whatever", jwt))).Should().Be(HttpStatusCode.OK);
        (await StatusAsync("/v2/platform/app/manifests/v1", Basic("whatever", jwt))).Should().Be(HttpStatusCode.NotFound, "ci-robot is not in the platform group");
    }

    [Fact]
    public async Task Basic_GroupsClaim_Grants()
    {
        var jwt = _idp.Mint("dana", groups: ["platform"]);

        (await StatusAsync("/v2/platform/app/manifests/v1", Basic("dana", jwt))).Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("wrong-audience")]
    [InlineData("expired")]
    [InlineData("rogue-key")]
    public async Task Basic_TokenThatDoesNotCheckOut_401AndNothingUpstream(string flaw)
    {
        var jwt = flaw switch
        {
            "wrong-audience" => _idp.Mint("ci-robot", audience: "someone-else"),
            "expired" => _idp.Mint("ci-robot", lifetime: TimeSpan.FromMinutes(-10)),
            _ => _idp.Mint("ci-robot", key: _idp.Rogue("rogue-1")),
        };

        (await StatusAsync("/v2/ci/app/manifests/v1", Basic("ci", jwt))).Should().Be(HttpStatusCode.Unauthorized);
        _upstream.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task TokenEndpoint_OidcLogin_CollagesTokenNamesTheUserAndEndsWithTheLogin()
    {
        var jwt = _idp.Mint("ci-robot", lifetime: TimeSpan.FromMinutes(2));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/token?scope=repository:ci/app:pull&scope=repository:platform/app:pull");
        request.Headers.Authorization = Basic("ci", jwt);

        using var response = await _collage.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var token = body.RootElement.GetProperty("token").GetString()!;
        body.RootElement.GetProperty("expires_in").GetInt32().Should().BeLessThanOrEqualTo(120, "a token never outlives the login it came from");
        using var claims = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.Split('.')[1]));
        claims.RootElement.GetProperty("sub").GetString().Should().Be("ci-robot");
        claims.RootElement.GetProperty("access").EnumerateArray().Select(a => a.GetProperty("name").GetString()).Should().Equal("ci/app");

        using var pull = new HttpRequestMessage(HttpMethod.Get, "/v2/ci/app/manifests/v1");
        pull.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await _collage.Client.SendAsync(pull)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private async Task<HttpStatusCode> StatusAsync(string path, AuthenticationHeaderValue authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        using var response = await _collage.Client.SendAsync(request);
        return response.StatusCode;
    }
}
