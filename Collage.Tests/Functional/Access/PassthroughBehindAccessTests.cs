using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Collage.Tests.Functional.Authentication;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.Functional.Access;

/// <summary>
/// A pass-through mount behind access control: Collage checks the login and its policy, relays the same credentials to
/// the upstream's token server, and sends the upstream's own token upstream, never its own.
/// </summary>
public sealed class PassthroughBehindAccessTests : IAsyncLifetime
{
    private readonly string _htpasswd = Path.Combine(Path.GetTempPath(), $"collage-pt-access-{Guid.NewGuid():N}");
    private FakeTokenServer _tokens = null!;
    private FakeRegistry _upstream = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_htpasswd, $"alice:{BCrypt.Net.BCrypt.HashPassword("wonderland", 5)}\nbob:{BCrypt.Net.BCrypt.HashPassword("builder", 5)}\n");
        _tokens = await FakeTokenServer.StartAsync();
        _upstream = await FakeRegistry.StartAsync(_tokens);
        _collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["team"] = $"http://{_upstream.BaseUri.Authority}/team" },
            upstreams = new Dictionary<string, object> { [_upstream.BaseUri.Authority] = new { auth = "passthrough" } },
            access = new
            {
                htpasswd = _htpasswd,
                rules = new object[] { new { repositories = new[] { "team/**" }, users = new[] { "alice" } } },
                authenticated = new[] { "nothing/**" },
            },
        });
    }

    public async Task DisposeAsync()
    {
        await _collage.DisposeAsync();
        await _upstream.DisposeAsync();
        await _tokens.DisposeAsync();
        File.Delete(_htpasswd);
    }

    [Fact]
    public async Task Token_GrantedUser_CredentialsRelayedAndTheUpstreamsTokenGoesUpstream()
    {
        var token = await TokenAsync("alice:wonderland", "repository:team/app:pull");

        var relayed = _tokens.Requests.Should().ContainSingle().Subject;
        relayed.Header("Authorization").Should().Be("Basic " + Basic("alice:wonderland"), "the same login goes on to the upstream's token server");
        relayed.Query["scope"].ToString().Should().Be("repository:team/app:pull");

        using var pulled = await GetAsync("/v2/team/app/manifests/v1", token);

        pulled.StatusCode.Should().Be(HttpStatusCode.OK);
        _upstream.Requests.Should().Contain(r => r.Header("Authorization") == "Bearer token-1", "the upstream gets the token its own server minted");
        _upstream.Requests.Concat(_tokens.Requests).Should().NotContain(r => (r.Header("Authorization") ?? string.Empty).Contains(token, StringComparison.Ordinal),
            "Collage's token never leaves Collage");
    }

    [Fact]
    public async Task Token_UserWithoutGrant_NothingRelayedAndThePullIsRefused()
    {
        var token = await TokenAsync("bob:builder", "repository:team/app:pull");

        using var pulled = await GetAsync("/v2/team/app/manifests/v1", token);

        _tokens.Requests.Should().BeEmpty("the policy refused bob before any upstream heard of him");
        pulled.StatusCode.Should().Be(HttpStatusCode.NotFound);
        _upstream.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Token_WrongPassword_401WithoutRelaying()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/token?scope=repository:team/app:pull");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Basic("alice:wrong"));

        using var response = await _collage.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        _tokens.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Base_WithCollagesToken_200OnAPassthroughOnlyHost()
    {
        var token = await TokenAsync("alice:wonderland", "repository:team/app:pull");

        using var response = await GetAsync("/v2/", token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static string Basic(string credentials) => Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    private async Task<string> TokenAsync(string credentials, string scope)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/token?service={_collage.BaseUri.Authority}&scope={scope}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Basic(credentials));
        using var response = await _collage.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _collage.Client.SendAsync(request);
    }
}
