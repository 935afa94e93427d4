using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Access;

public sealed class BasicAccessTests : IAsyncLifetime
{
    private readonly string _htpasswd = Path.Combine(Path.GetTempPath(), $"collage-htpasswd-{Guid.NewGuid():N}");
    private LoopbackServer _upstream = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_htpasswd, $"alice:{BCrypt.Net.BCrypt.HashPassword("wonderland", 5).Replace("$2a$", "$2y$")}\nbob:{BCrypt.Net.BCrypt.HashPassword("builder", 5)}\n");
        _upstream = await LoopbackServer.StartAsync(async context =>
        {
            if (context.Request.Path.Value!.EndsWith("/_catalog", StringComparison.Ordinal))
            {
                await context.Response.WriteAsync("{\"repositories\":[\"up/public/a\",\"up/internal/b\",\"up/library/c\"]}");
                return;
            }

            context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
            await context.Response.WriteAsync("{}");
        });
        _collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["/"] = $"http://{_upstream.Authority}/up" },
            access = new
            {
                htpasswd = _htpasswd,
                groups = new Dictionary<string, string[]> { ["platform"] = ["alice"] },
                anonymous = new[] { "public/**" },
                authenticated = new[] { "library/**" },
                rules = new object[] { new { repositories = new[] { "internal/**" }, groups = new[] { "platform" } } },
            },
        });
    }

    public async Task DisposeAsync()
    {
        await _collage.DisposeAsync();
        await _upstream.DisposeAsync();
        File.Delete(_htpasswd);
    }

    [Theory]
    [InlineData(null, "public/a", HttpStatusCode.OK)]
    [InlineData(null, "internal/b", HttpStatusCode.Unauthorized)]
    [InlineData(null, "nowhere/x", HttpStatusCode.Unauthorized)]
    [InlineData("alice:wonderland", "internal/b", HttpStatusCode.OK)]
    [InlineData("alice:wonderland", "library/c", HttpStatusCode.OK)]
    [InlineData("bob:builder", "library/c", HttpStatusCode.OK)]
    [InlineData("bob:builder", "internal/b", HttpStatusCode.NotFound)]
    [InlineData("alice:wrong", "public/a", HttpStatusCode.Unauthorized)]
    [InlineData("mallory:wonderland", "public/a", HttpStatusCode.Unauthorized)]
    public async Task GetManifest_ByIdentity_PolicyDecides(string? credentials, string name, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{name}/manifests/v1");
        if (credentials is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }

        using var response = await _collage.Client.SendAsync(request);

        response.StatusCode.Should().Be(expected);
        if (expected == HttpStatusCode.Unauthorized)
        {
            // Collage's token server challenge, for the one scope the request needs.
            response.Headers.WwwAuthenticate.ToString().Should().Be(
                $"Bearer realm=\"{_collage.Client.BaseAddress!.GetLeftPart(UriPartial.Authority)}/v2/token\",service=\"{_collage.Client.BaseAddress.Authority}\",scope=\"repository:{name}:pull\"");
        }

        if (expected != HttpStatusCode.OK)
        {
            _upstream.Requests.Should().NotContain(r => r.PathAndQuery.Contains(name, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task GetCatalog_Bob_OnlyWhatHeMayPull()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/_catalog");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("bob:builder"u8.ToArray()));

        using var response = await _collage.Client.SendAsync(request);

        (await response.Content.ReadAsStringAsync()).Should().Be("{\"repositories\":[\"library/c\",\"public/a\"]}");
    }

    [Fact]
    public async Task GetBase_AnonymousWhileSomethingIsPublic_401BearerChallenge()
    {
        // docker takes challenges only from a 401 at /v2/: it then fetches an anonymous token for the public pull.
        using var response = await _collage.Client.GetAsync("/v2/");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer realm=").And.EndWith($"/v2/token\",service=\"{_collage.Client.BaseAddress!.Authority}\"");
    }
}
