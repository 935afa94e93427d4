using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using static Collage.Tests.Functional.Access.AccessClient;

namespace Collage.Tests.Functional.Access;

/// <summary>A grant on one vhost holds there only: the same user and name on another vhost (by Host header) is refused.</summary>
public sealed class VhostAccessTests : IAsyncLifetime
{
    private readonly string _htpasswd = Path.Combine(Path.GetTempPath(), $"collage-htpasswd-{Guid.NewGuid():N}");
    private LoopbackServer _upstream = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_htpasswd, $"dave:{BCrypt.Net.BCrypt.HashPassword("diver", 4)}\nerin:{BCrypt.Net.BCrypt.HashPassword("eagle", 4)}\n");
        _upstream = await AccessUpstream.StartAsync();
        var up = $"http://{_upstream.Authority}/up";
        _collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["/"] = up },
            vhosts = new Dictionary<string, object>
            {
                ["a.lan"] = new { mappings = new Dictionary<string, string> { ["/"] = up } },
                ["b.lan"] = new { mappings = new Dictionary<string, string> { ["/"] = up } },
            },
            access = new
            {
                htpasswd = _htpasswd,
                rules = new object[]
                {
                    new { repositories = new[] { "**" }, users = new[] { "dave" }, actions = new[] { "pull", "catalog" }, vhosts = new[] { "A.lan" } },
                    new { repositories = new[] { "**" }, users = new[] { "erin" } },
                },
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
    [InlineData("a.lan")]
    [InlineData("A.LAN")]
    [InlineData("a.lan:5000")]
    [InlineData("a.lan.")]
    public async Task Manifest_GrantedVhost_200(string host)
    {
        (await _collage.Client.StatusAsync("/v2/internal/b/manifests/v1", "dave:diver", host: host)).Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("b.lan")]
    [InlineData("c.lan")]
    [InlineData(null)]
    public async Task Manifest_OtherVhost_NameUnknown_NoUpstreamRequest(string? host)
    {
        var before = _upstream.Requests.Count;
        using var response = await _collage.Client.SendAsync(Request("/v2/internal/b/manifests/v1", "dave:diver", host: host));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().Contain("NAME_UNKNOWN");
        _upstream.Requests.Count.Should().Be(before);
    }

    [Theory]
    [InlineData("a.lan")]
    [InlineData("b.lan")]
    [InlineData(null)]
    public async Task Manifest_RuleWithoutVhosts_EveryVhost(string? host)
    {
        (await _collage.Client.StatusAsync("/v2/internal/b/manifests/v1", "erin:eagle", host: host)).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Catalog_GrantedVhostOnly()
    {
        using var granted = await _collage.Client.SendAsync(Request("/v2/_catalog", "dave:diver", host: "a.lan"));
        using var other = await _collage.Client.SendAsync(Request("/v2/_catalog", "dave:diver", host: "b.lan"));

        granted.StatusCode.Should().Be(HttpStatusCode.OK);
        (await granted.Content.ReadAsStringAsync()).Should().Contain("internal/b");
        other.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await other.Content.ReadAsStringAsync()).Should().Contain("\"code\":\"DENIED\"").And.NotContain("internal/b");
    }

    [Fact]
    public async Task Base_AnonymousOnEveryVhost_Challenge()
    {
        // No anonymous grant anywhere: docker login and podman login are asked to log in at /v2/.
        using var response = await _collage.Client.SendAsync(Request("/v2/", null, host: "a.lan"));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer realm=\"http://a.lan");
        (await _collage.Client.StatusAsync("/v2/", "dave:diver", host: "b.lan")).Should().Be(HttpStatusCode.OK, "a user who logged in passes /v2/ anywhere");
    }
}
