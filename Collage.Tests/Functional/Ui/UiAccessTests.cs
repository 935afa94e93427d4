using System.Net;
using Collage.Proxy.Ui;
using Collage.Tests.Common;
using Collage.Tests.Functional.Access;
using Collage.Tests.Functional.Infrastructure;
using static Collage.Tests.Functional.Access.AccessClient;

namespace Collage.Tests.Functional.Ui;

/// <summary>
/// The page under access control: a browser is asked for Basic credentials where <c>/v2/</c> would refuse, and a user
/// sees only the mounts, repositories and tags they may pull.
/// </summary>
public sealed class UiAccessTests : IAsyncLifetime
{
    private readonly string _htpasswd = Path.Combine(Path.GetTempPath(), $"collage-htpasswd-{Guid.NewGuid():N}");
    private LoopbackServer _upstream = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        var lines = new[] { "alice", "frank" }.Select(u => $"{u}:{BCrypt.Net.BCrypt.HashPassword(u + "-pw", 4)}");
        await File.WriteAllLinesAsync(_htpasswd, lines);
        _upstream = await AccessUpstream.StartAsync();
        _collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string>
            {
                ["/"] = $"http://{_upstream.Authority}/up",
                ["secret"] = $"http://{_upstream.Authority}/hidden",
            },
            access = new
            {
                htpasswd = _htpasswd,
                rules = new object[]
                {
                    new { repositories = new[] { "**" }, users = new[] { "alice" }, actions = new[] { "pull", "catalog" } },
                    new { repositories = new[] { "team/**" }, users = new[] { "frank" }, actions = new[] { "pull" } },
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
    [InlineData("/ui/", null)]
    [InlineData("/ui/repositories", null)]
    [InlineData("/ui/tag?name=team/d&tag=v1", null)]
    [InlineData("/ui/", "alice:wrong")]
    [InlineData("/ui/repository?name=team/d", "nobody:x")]
    public async Task Page_NoOrBadLogin_AsksForBasic(string path, string? credentials)
    {
        using var response = await _collage.Client.SendAsync(Request(path, credentials));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().Be(UiGate.Challenge);
        (await response.Content.ReadAsStringAsync()).Should().Contain("class=\"error-message\"");
    }

    [Fact]
    public async Task MountsPage_User_SeesOnlyMountsTheyMayPull()
    {
        var alice = await PageAsync("/ui/", "alice:alice-pw", HttpStatusCode.OK);
        alice.Should().Contain("data-prefix=\"/\"").And.Contain("data-prefix=\"secret\"");

        var frank = await PageAsync("/ui/", "frank:frank-pw", HttpStatusCode.OK);
        frank.Should().Contain("data-prefix=\"/\"").And.NotContain("data-prefix=\"secret\"").And.NotContain("/hidden");
    }

    [Fact]
    public async Task RepositoriesPage_CatalogGrant_ListsWhatTheUserMayPull()
    {
        var alice = await PageAsync("/ui/repositories", "alice:alice-pw", HttpStatusCode.OK);
        alice.Should().Contain(">team/d</a>").And.Contain(">internal/b</a>");

        // frank may pull team/** but holds no catalog grant: the page says so and offers the name box.
        var frank = await PageAsync("/ui/repositories", "frank:frank-pw", HttpStatusCode.OK);
        frank.Should().Contain("You may not list the catalog here").And.Contain("id=\"goto\"").And.NotContain(">internal/b</a>");
    }

    [Fact]
    public async Task TagPage_ForbiddenName_AnsweredAsUnknown()
    {
        var allowed = await PageAsync("/ui/tag?name=team/d&tag=v1", "frank:frank-pw", HttpStatusCode.OK);
        allowed.Should().Contain($"<code>{AccessUpstream.ManifestDigest}</code>");

        // As /v2/ answers it: a name the user may not pull looks like one that does not exist.
        var forbidden = await PageAsync("/ui/tag?name=internal/b&tag=v1", "frank:frank-pw", HttpStatusCode.NotFound);
        forbidden.Should().Contain("NAME_UNKNOWN").And.NotContain(AccessUpstream.ManifestDigest);
    }

    private async Task<string> PageAsync(string path, string credentials, HttpStatusCode status)
    {
        using var response = await _collage.Client.SendAsync(Request(path, credentials));
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, html);
        return html;
    }
}
