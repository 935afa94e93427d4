using System.Net;
using System.Text.Json;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Spec;

/// <summary>
/// <c>_catalog</c> paging as distribution defines it (its API document, "Listing Repositories", "Pagination"; the OCI
/// spec 1.1 leaves the catalog out): lexical order, at most <c>n</c> entries, a <c>Link</c> with <c>rel="next"</c>
/// exactly while more remain (its absence tells the client that it has everything), <c>last</c> non-inclusive. Collage
/// merges the mounts' catalogs and pages the result itself, so it holds whatever the upstream does.
/// </summary>
public sealed class CatalogPagingTests
{
    private static readonly string[] Expected = ["apps/a", "apps/b", "apps/c", "apps/sub/d", "apps/z"];

    [Fact]
    public async Task GetCatalog_NBelowTheCount_ExactlyNPerPageWithNextLinkUntilTheLastPage()
    {
        await using var upstream = await StartUpstreamAsync();
        await using var collage = await StartCollageAsync(upstream);

        var pages = new List<(List<string> Names, string? Link)>();
        var next = "/v2/_catalog?n=2";
        while (next is not null && pages.Count < 5)
        {
            using var response = await collage.Client.GetAsync(next);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var link = response.Headers.TryGetValues("Link", out var links) ? links.Single() : null;
            pages.Add((NamesOf(await response.Content.ReadAsStringAsync()), link));
            next = link?.Split('<', '>')[1];
        }

        pages.Select(p => p.Names).Should().BeEquivalentTo(new[] { new[] { "apps/a", "apps/b" }, ["apps/c", "apps/sub/d"], ["apps/z"] }, o => o.WithStrictOrdering());
        pages[0].Link.Should().Be("</v2/_catalog?n=2&last=apps%2Fb>; rel=\"next\"");
        pages[1].Link.Should().Be("</v2/_catalog?n=2&last=apps%2Fsub%2Fd>; rel=\"next\"");
        pages[2].Link.Should().BeNull();
    }

    [Theory]
    [InlineData("n=0")]
    [InlineData("last=apps/z")]
    [InlineData("last=zzz")]
    [InlineData("n=3&last=apps/z")]
    public async Task GetCatalog_NZeroOrLastAtTheEnd_EmptyListAndNoLink(string query)
    {
        await using var upstream = await StartUpstreamAsync();
        await using var collage = await StartCollageAsync(upstream);

        using var response = await collage.Client.GetAsync($"/v2/_catalog?{query}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("{\"repositories\":[]}");
        response.Headers.Contains("Link").Should().BeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("?n=5")]
    [InlineData("?n=1000")]
    public async Task GetCatalog_NAtOrAboveTheCountOrAbsent_WholeSortedListAndNoLink(string query)
    {
        await using var upstream = await StartUpstreamAsync();
        await using var collage = await StartCollageAsync(upstream);

        using var response = await collage.Client.GetAsync($"/v2/_catalog{query}");

        NamesOf(await response.Content.ReadAsStringAsync()).Should().Equal(Expected);
        response.Headers.Contains("Link").Should().BeFalse();
    }

    // Unsorted, with names outside the mounted namespace that must not appear.
    private static Task<LoopbackServer> StartUpstreamAsync() => LoopbackServer.StartAsync(context =>
        context.Response.WriteAsJsonAsync(new { repositories = new[] { "team/z", "other/x", "team/b", "team/sub/d", "team/a", "teamx/y", "team/c" } }));

    private static Task<CollageServer> StartCollageAsync(LoopbackServer upstream) =>
        CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

    private static List<string> NamesOf(string body)
    {
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.GetProperty("repositories").EnumerateArray().Select(t => t.GetString()!)];
    }
}
