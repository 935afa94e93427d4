using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using static Collage.Tests.Functional.Access.AccessClient;

namespace Collage.Tests.Functional.Access;

/// <summary><c>_catalog</c> under access control: a catalog grant to ask at all, and only repositories with pull and catalog listed.</summary>
public sealed class CatalogAccessTests : IAsyncLifetime
{
    private readonly string _htpasswd = Path.Combine(Path.GetTempPath(), $"collage-htpasswd-{Guid.NewGuid():N}");
    private LoopbackServer _upstream = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        var lines = new[] { "alice", "bob", "carol", "frank" }.Select(u => $"{u}:{BCrypt.Net.BCrypt.HashPassword(u + "-pw", 4)}");
        await File.WriteAllLinesAsync(_htpasswd, lines);
        _upstream = await AccessUpstream.StartAsync();
        _collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["/"] = $"http://{_upstream.Authority}/up" },
            access = new
            {
                htpasswd = _htpasswd,
                groups = new Dictionary<string, string[]> { ["platform"] = ["alice"] },
                anonymous = new[] { "public/**" },
                authenticated = new[] { "library/**" },
                rules = new object[]
                {
                    new { repositories = new[] { "internal/**" }, groups = new[] { "platform" } },
                    new { repositories = new[] { "**" }, groups = new[] { "platform" }, actions = new[] { "catalog" } },
                    new { repositories = new[] { "team/**" }, users = new[] { "carol" }, actions = new[] { "catalog" } },
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
    [InlineData(null, "[\"public/a\"]")]
    [InlineData("bob:bob-pw", "[\"library/c\",\"public/a\"]")]
    [InlineData("alice:alice-pw", "[\"internal/b\",\"library/c\",\"public/a\"]")]
    [InlineData("carol:carol-pw", "[\"library/c\",\"public/a\"]")]
    [InlineData("frank:frank-pw", "[\"library/c\",\"public/a\"]")]
    public async Task Catalog_ListsOnlyPullAndCatalog(string? credentials, string expected)
    {
        using var response = await _collage.Client.SendAsync(Request("/v2/_catalog", credentials));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be($"{{\"repositories\":{expected}}}");
    }

    [Fact]
    public async Task Catalog_PagedAfterFiltering_PagesStayFull()
    {
        using var first = await _collage.Client.SendAsync(Request("/v2/_catalog?n=2", "alice:alice-pw"));
        (await first.Content.ReadAsStringAsync()).Should().Be("{\"repositories\":[\"internal/b\",\"library/c\"]}");
        var next = first.Headers.GetValues("Link").Should().ContainSingle().Subject;
        next.Should().MatchRegex("last=library(%2F|/)c");

        using var second = await _collage.Client.SendAsync(Request("/v2/_catalog?n=2&last=library/c", "alice:alice-pw"));
        (await second.Content.ReadAsStringAsync()).Should().Be("{\"repositories\":[\"public/a\"]}");
        second.Headers.Contains("Link").Should().BeFalse();
    }

    [Fact]
    public async Task Catalog_WrongPassword_401()
    {
        (await _collage.Client.StatusAsync("/v2/_catalog", "alice:nope")).Should().Be(HttpStatusCode.Unauthorized);
    }
}
