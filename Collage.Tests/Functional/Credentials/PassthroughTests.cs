using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Collage.Tests.Common;
using Collage.Tests.Functional.Authentication;
using Collage.Tests.Functional.Infrastructure;
using Collage.Transforms.Authentication;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Credentials;

/// <summary>Pass-through mode: Collage's challenge and token endpoint, and where the client's token may go.</summary>
public sealed class PassthroughTests : IAsyncLifetime
{
    private static readonly string ClientBasic = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:client-secret"));

    private FakeTokenServer _tokensA = null!;
    private FakeTokenServer _tokensB = null!;
    private FakeRegistry _a = null!;
    private FakeRegistry _b = null!;
    private LoopbackServer _cdn = null!;
    private LoopbackServer _c = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        _tokensA = await FakeTokenServer.StartAsync();
        _tokensB = await FakeTokenServer.StartAsync();
        _a = await FakeRegistry.StartAsync(_tokensA);
        _a.Challenge = () => _a.DefaultChallenge("repository:team/app:pull");
        _b = await FakeRegistry.StartAsync(_tokensB);
        _cdn = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("cdn"));

        // C accepts any Bearer, and sends blobs to the CDN.
        _c = await LoopbackServer.StartAsync(context =>
        {
            if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{_tokensA.BaseUri}token\",service=\"fake-registry\"";
                return Task.CompletedTask;
            }

            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = _cdn.Url("/blob").ToString();
            return Task.CompletedTask;
        });
        _collage = await CollageServer.StartAsync(
            new
            {
                mappings = new Dictionary<string, string>
                {
                    ["a"] = $"http://{_a.BaseUri.Authority}/team",
                    ["b"] = $"http://{_b.BaseUri.Authority}/team",
                    ["c"] = $"http://{_c.Authority}/team",
                    ["open"] = $"http://{_cdn.Authority}/x",
                },
                vhosts = new Dictionary<string, object>
                {
                    ["127.0.0.2"] = new { mappings = new Dictionary<string, string> { ["/"] = $"http://{_a.BaseUri.Authority}" } },
                },
                upstreams = new Dictionary<string, object>
                {
                    [_a.BaseUri.Authority] = new { auth = "passthrough" },
                    [_b.BaseUri.Authority] = new { auth = "passthrough" },
                    [_c.Authority] = new { auth = "passthrough" },
                },
            },
            [IPAddress.Parse("127.0.0.2")]);
    }

    public async Task DisposeAsync()
    {
        await _collage.DisposeAsync();
        await _c.DisposeAsync();
        await _cdn.DisposeAsync();
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        await _tokensB.DisposeAsync();
        await _tokensA.DisposeAsync();
    }

    [Fact]
    public async Task Upstream401_ClientGetsCollageChallengeInLocalNames()
    {
        using var response = await _collage.Client.GetAsync("/v2/a/app/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var challenge = response.Headers.WwwAuthenticate.Should().ContainSingle().Subject;
        challenge.Scheme.Should().Be("Bearer");
        challenge.Parameter.Should().Be($"realm=\"{_collage.BaseUri}v2/token\",service=\"{_collage.BaseUri.Authority}\",scope=\"repository:a/app:pull\"");
        challenge.Parameter.Should().NotContain(_tokensA.BaseUri.Authority);
    }

    [Fact]
    public async Task TokenEndpoint_RelaysClientBasicToLearnedRealm_TokenThenReachesThatUpstreamOnly()
    {
        var token = await GetTokenAsync("repository:a/app:pull");

        var relayed = _tokensA.Requests.Should().ContainSingle().Subject;
        relayed.Header("Authorization").Should().Be("Basic " + ClientBasic);
        relayed.Query["scope"].ToString().Should().Be("repository:team/app:pull");
        relayed.Query["service"].ToString().Should().Be("fake-registry");

        using var pulled = await SendAsync("/v2/a/app/manifests/v1", token);
        pulled.StatusCode.Should().Be(HttpStatusCode.OK);
        _a.Requests.Should().Contain(r => r.Header("Authorization") == "Bearer " + token);

        // The same token presented for another upstream, or for a blob that redirects to a CDN.
        using var other = await SendAsync("/v2/b/app/manifests/v1", token);
        other.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        _b.Requests.Should().NotContain(r => r.HasHeader("Authorization"), "a token issued for upstream a never reaches upstream b");
        _tokensA.Requests.Concat(_tokensB.Requests).Should().NotContain(r => r.Header("Authorization") == "Bearer " + token, "a realm never sees the token");
    }

    [Fact]
    public async Task TokenForUpstreamC_NeverCrossesRedirectToCdn()
    {
        var token = await GetTokenAsync("repository:c/app:pull");

        using var blob = await SendAsync("/v2/c/app/blobs/sha256:" + new string('b', 64), token);

        blob.StatusCode.Should().Be(HttpStatusCode.OK);
        _c.Requests.Should().Contain(r => r.Header("Authorization") == "Bearer " + token);
        _cdn.Requests.Should().ContainSingle().Which.HasHeader("Authorization").Should().BeFalse();
    }

    [Fact]
    public async Task ScopesSpanningTwoRealms_400Denied()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/token?service=x&scope=repository:a/app:pull&scope=repository:b/app:pull");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", ClientBasic);

        using var response = await _collage.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ErrorAnswerTests.ErrorCodeAsync(response)).Should().Be("DENIED");
        _tokensA.Requests.Concat(_tokensB.Requests).Should().BeEmpty("no token is fetched for either");
    }

    [Fact]
    public async Task SameScopeTwice_TokenServerAskedOnce()
    {
        var first = await GetTokenAsync("repository:a/app:pull");
        var second = await GetTokenAsync("repository:a/app:pull");

        second.Should().Be(first);
        _tokensA.Fetches.Should().Be(1);
    }

    [Fact]
    public async Task BaseEndpoint_ChallengesOnPassthroughOnlyVhost_200Elsewhere()
    {
        using var global = await _collage.Client.GetAsync("/v2/");
        global.StatusCode.Should().Be(HttpStatusCode.OK, "the global mounts mix pass-through and gateway upstreams");

        using var vhost = new HttpClient { BaseAddress = new Uri($"http://127.0.0.2:{_collage.BaseUri.Port}/") };
        using var challenged = await vhost.GetAsync("/v2/");
        challenged.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        challenged.Headers.WwwAuthenticate.Single().Parameter.Should().Be($"realm=\"http://127.0.0.2:{_collage.BaseUri.Port}/v2/token\",service=\"127.0.0.2:{_collage.BaseUri.Port}\"");

        // docker login: a token without scope, then /v2/ with it.
        using var login = new HttpRequestMessage(HttpMethod.Get, "/v2/token?service=x&offline_token=true&client_id=docker&account=alice");
        login.Headers.Authorization = new AuthenticationHeaderValue("Basic", ClientBasic);
        using var tokenResponse = await vhost.SendAsync(login);
        tokenResponse.StatusCode.Should().Be(HttpStatusCode.OK);
        var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString();
        using var check = new HttpRequestMessage(HttpMethod.Get, "/v2/");
        check.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var loggedIn = await vhost.SendAsync(check);
        loggedIn.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task MirrorClient_NsSelectsPassthroughVhost_ChallengeRealmCarriesNs_TokenAndPullSucceed()
    {
        // containerd through hosts.toml: the Host is Collage's global one, ns names the registry (here the vhost
        // 127.0.0.2, whose root mount is pass-through upstream a). The global map does not mount team/app at all.
        using var refused = await _collage.Client.GetAsync("/v2/team/app/manifests/v1?ns=127.0.0.2");

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var challenge = AuthenticationChallengeParser.Parse(refused.Headers).Should().ContainSingle().Subject;
        challenge.TryGetParameter("realm", out var realm).Should().BeTrue();
        realm.Should().Be($"{_collage.BaseUri}v2/token?ns=127.0.0.2");
        challenge.TryGetParameter("scope", out var scope).Should().BeTrue();
        scope.Should().Be("repository:team/app:pull");

        // As containerd and docker build the token request: the realm's own query kept, service and scope added.
        challenge.TryGetParameter("service", out var service).Should().BeTrue();
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, $"{realm}&service={Uri.EscapeDataString(service!)}&scope={Uri.EscapeDataString(scope!)}");
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", ClientBasic);
        using var tokenResponse = await _collage.Client.SendAsync(tokenRequest);
        tokenResponse.StatusCode.Should().Be(HttpStatusCode.OK, await tokenResponse.Content.ReadAsStringAsync());
        var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        _tokensA.Requests.Should().ContainSingle().Which.Query["scope"].ToString().Should().Be("repository:team/app:pull");

        using var pulled = await SendAsync("/v2/team/app/manifests/v1?ns=127.0.0.2", token);
        pulled.StatusCode.Should().Be(HttpStatusCode.OK);
        _a.Requests.Should().Contain(r => r.Header("Authorization") == "Bearer " + token && r.Path == "/v2/team/app/manifests/v1");
    }

    [Fact]
    public async Task MirrorClient_OAuthPostToRealmWithNs_SelectsTheSameVhost()
    {
        // containerd's OAuth 2.0 form goes to the realm URL as given, its query included.
        using var form = new HttpRequestMessage(HttpMethod.Post, "/v2/token?ns=127.0.0.2")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "password",
                ["username"] = "alice",
                ["password"] = "client-secret",
                ["service"] = _collage.BaseUri.Authority,
                ["scope"] = "repository:team/app:pull",
            }),
        };

        using var response = await _collage.Client.SendAsync(form);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        _tokensA.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task ForwardedHost_IgnoredFromUntrustedClient()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/a/app/manifests/v1");
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var response = await _collage.Client.SendAsync(request);

        response.Headers.WwwAuthenticate.Single().Parameter.Should().StartWith($"realm=\"{_collage.BaseUri}v2/token\"");
    }

    private async Task<string> GetTokenAsync(string scope)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/token?service={_collage.BaseUri.Authority}&scope={scope}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", ClientBasic);
        using var response = await _collage.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _collage.Client.SendAsync(request);
    }
}
