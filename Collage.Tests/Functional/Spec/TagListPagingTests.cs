using System.Net;
using System.Text.Json;
using Collage.Tests.Common;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Spec;

/// <summary>
/// Distribution spec 1.1, "Listing Tags": <c>n</c> and <c>last</c> as the spec defines them, whatever the upstream does
/// with them (it may ignore them, as distribution 2.8 does, and send a <c>Link</c> of its own), with and without the
/// cache: exactly <c>n</c> tags while more remain, with a <c>rel="next"</c> Link; <c>n=0</c> an empty list and no Link;
/// <c>last</c> at or beyond the end an empty list and no Link.
/// </summary>
public sealed class TagListPagingTests
{
    private static readonly string[] Tags = ["v5", "v1", "v3", "v2", "v4"];

    public static TheoryData<bool, bool> UpstreamLinkAndCache() => new()
    {
        { false, false },
        { false, true },
        { true, false },
        { true, true },
    };

    [Theory]
    [MemberData(nameof(UpstreamLinkAndCache))]
    public async Task GetTags_NZero_EmptyListAndNoLink(bool upstreamSendsLink, bool cached)
    {
        await using var upstream = await StartUpstreamAsync(upstreamSendsLink);
        await using var collage = await SpecCollage.StartAsync(upstream.Authority, cached);

        var (response, body) = await collage.SendAsync("GET", "/v2/apps/web/tags/list?n=0");

        using (response)
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            body.Should().Be("{\"name\":\"apps/web\",\"tags\":[]}");
            response.Headers.Contains("Link").Should().BeFalse("n=0 MUST NOT have a Link");
        }
    }

    [Theory]
    [MemberData(nameof(UpstreamLinkAndCache))]
    public async Task GetTags_LastAtOrBeyondTheEnd_EmptyListAndNoLink(bool upstreamSendsLink, bool cached)
    {
        await using var upstream = await StartUpstreamAsync(upstreamSendsLink);
        await using var collage = await SpecCollage.StartAsync(upstream.Authority, cached);

        foreach (var query in new[] { "last=v5", "last=zzz", "n=2&last=v5", "n=2&last=w" })
        {
            var (response, body) = await collage.SendAsync("GET", $"/v2/apps/web/tags/list?{query}");
            using (response)
            {
                response.StatusCode.Should().Be(HttpStatusCode.OK, query);
                body.Should().Be("{\"name\":\"apps/web\",\"tags\":[]}", query);
                response.Headers.Contains("Link").Should().BeFalse(query);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetTags_NBelowTheCount_ExactlyNPerPageWithNextLinkUntilTheLastPage(bool cached)
    {
        await using var upstream = await StartUpstreamAsync(upstreamSendsLink: false);
        await using var collage = await SpecCollage.StartAsync(upstream.Authority, cached);

        var pages = new List<(List<string> Tags, string? Link)>();
        var next = "/v2/apps/web/tags/list?n=2";
        while (next is not null && pages.Count < 5)
        {
            var (response, body) = await collage.SendAsync("GET", next);
            using (response)
            {
                response.StatusCode.Should().Be(HttpStatusCode.OK);
                var link = response.Headers.TryGetValues("Link", out var links) ? links.Single() : null;
                pages.Add((TagsOf(body), link));
                next = link?.Split('<', '>')[1];
            }
        }

        pages.Select(p => p.Tags).Should().BeEquivalentTo(new[] { new[] { "v1", "v2" }, ["v3", "v4"], ["v5"] }, o => o.WithStrictOrdering());
        pages[0].Link.Should().Be("</v2/apps/web/tags/list?n=2&last=v2>; rel=\"next\"", "RFC 5988, rel=\"next\", in the local name");
        pages[1].Link.Should().Be("</v2/apps/web/tags/list?n=2&last=v4>; rel=\"next\"");
        pages[2].Link.Should().BeNull("nothing remains after the last page");
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(5, true)]
    [InlineData(100, false)]
    [InlineData(100, true)]
    public async Task GetTags_NAtOrAboveTheCount_WholeListAndNoLink(int n, bool cached)
    {
        await using var upstream = await StartUpstreamAsync(upstreamSendsLink: false);
        await using var collage = await SpecCollage.StartAsync(upstream.Authority, cached);

        var (response, body) = await collage.SendAsync("GET", $"/v2/apps/web/tags/list?n={n}");

        using (response)
        {
            TagsOf(body).Should().Equal("v1", "v2", "v3", "v4", "v5");
            response.Headers.Contains("Link").Should().BeFalse();
        }
    }

    [Fact]
    public async Task GetTags_ConformanceSuitesMixedCaseTags_InAsciiOrderTheSuiteAccepts()
    {
        // 03_discovery pushes test0..3 and TEST0..3 and accepts case-insensitive order or sort.Strings (ASCII) order.
        string[] tags = ["test1", "TEST0", "test0", "TEST1", "test2", "TEST2"];
        await using var upstream = await LoopbackServer.StartAsync(context => context.Response.WriteAsJsonAsync(new { name = "team/web", tags }));
        await using var collage = await SpecCollage.StartAsync(upstream.Authority, cached: false);

        var (response, body) = await collage.SendAsync("GET", "/v2/apps/web/tags/list");

        using (response)
        {
            TagsOf(body).Should().Equal(tags.Order(StringComparer.Ordinal));
        }
    }

    // An upstream that ignores n and last (as distribution 2.8 does), unsorted; optionally with a Link of its own.
    private static Task<LoopbackServer> StartUpstreamAsync(bool upstreamSendsLink) => LoopbackServer.StartAsync(context =>
    {
        if (upstreamSendsLink)
        {
            context.Response.Headers.Link = $"<http://{context.Request.Host}/v2/team/web/tags/list?n=2&last=v9>; rel=\"next\"";
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new { name = "team/web", tags = Tags });
    });

    private static List<string> TagsOf(string body)
    {
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)];
    }
}
