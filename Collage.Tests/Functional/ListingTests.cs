using System.Net;
using System.Text.Json;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional;

public sealed class ListingTests
{
    [Fact]
    public async Task GetTags_UpstreamIgnoresN_CollagePagesLexicallyWithLink()
    {
        var tags = Enumerable.Range(0, 25).Select(i => $"v{i}").ToArray();
        await using var upstream = await LoopbackServer.StartAsync(context =>
            context.Response.WriteAsJsonAsync(new { name = "team/web", tags = tags.Reverse() }));
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        var all = new List<string>();
        var next = "/v2/apps/web/tags/list?n=10";
        for (var page = 0; next is not null && page < 10; page++)
        {
            using var response = await collage.Client.GetAsync(next);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            body.GetProperty("name").GetString().Should().Be("apps/web");
            var pageTags = body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToList();
            pageTags.Count.Should().BeLessThanOrEqualTo(10);
            all.AddRange(pageTags);
            next = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('<', '>')[1] : null;
            next?.Should().StartWith("/v2/apps/web/tags/list?");
        }

        all.Should().Equal(tags.Order(StringComparer.Ordinal));
        upstream.Requests.Should().AllSatisfy(r => r.PathAndQuery.Should().StartWith("/v2/team/web/tags/list?n=10"));
    }

    [Fact]
    public async Task GetTags_UpstreamPages_LinkIsRewrittenToLocalName()
    {
        await using var upstream = await LoopbackServer.StartAsync(context =>
        {
            context.Response.Headers.Link = $"<http://{context.Request.Host}/v2/team/web/tags/list?last=b&n=2>; rel=\"next\"";
            return context.Response.WriteAsJsonAsync(new { name = "team/web", tags = new[] { "a", "b" } });
        });
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        using var response = await collage.Client.GetAsync("/v2/apps/web/tags/list?n=2");

        response.Headers.GetValues("Link").Should().Equal("</v2/apps/web/tags/list?last=b&n=2>; rel=\"next\"");
    }

    [Fact]
    public async Task HeadTags_Answers200WithoutUpstreamLength()
    {
        await using var upstream = await LoopbackServer.StartAsync(context =>
            context.Response.WriteAsJsonAsync(new { name = "team/web", tags = new[] { "a" } }));
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        using var response = await collage.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v2/apps/web/tags/list"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
    }

    [Fact]
    public async Task GetTags_NullTags_AnswersEmptyArray()
    {
        await using var upstream = await LoopbackServer.StartAsync(context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("{\"name\":\"team/web\",\"tags\":null}");
        });
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        var body = await collage.Client.GetStringAsync("/v2/apps/web/tags/list");

        body.Should().Be("{\"name\":\"apps/web\",\"tags\":[]}");
    }

    [Fact]
    public async Task GetCatalog_MergesMountsSkipsRefusingUpstreamAndPages()
    {
        await using var first = await LoopbackServer.StartAsync(context =>
            context.Response.WriteAsJsonAsync(new { repositories = new[] { "team/web", "team/sub/tool", "teamx/nope", "other/thing" } }));
        await using var second = await LoopbackServer.StartAsync(context =>
            context.Response.WriteAsJsonAsync(new { repositories = new[] { "mirror/alpine", "mirror/busybox" } }));
        await using var refusing = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        });
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string>
            {
                ["apps"] = $"http://{first.Authority}/team",
                ["lib"] = $"http://{second.Authority}/mirror",
                ["hub"] = $"http://{refusing.Authority}",
            },
        });

        var page1 = await collage.Client.GetAsync("/v2/_catalog?n=3");
        var names1 = JsonDocument.Parse(await page1.Content.ReadAsStringAsync()).RootElement.GetProperty("repositories").EnumerateArray().Select(e => e.GetString()).ToList();
        names1.Should().Equal("apps/sub/tool", "apps/web", "lib/alpine");
        var link = page1.Headers.GetValues("Link").Single();
        link.Should().Be("</v2/_catalog?n=3&last=lib%2Falpine>; rel=\"next\"");

        var page2 = await collage.Client.GetStringAsync(link.Split('<', '>')[1]);
        page2.Should().Be("{\"repositories\":[\"lib/busybox\"]}");
    }

    [Fact]
    public async Task GetCatalog_Vhost_SeesOnlyItsOwnMounts()
    {
        await using var first = await LoopbackServer.StartAsync(context =>
            context.Response.WriteAsJsonAsync(new { repositories = new[] { "team/web", "docker.io/library/alpine" } }));
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["apps"] = $"http://{first.Authority}/team" },
            vhosts = new Dictionary<string, object>
            {
                ["Mirror.Local.Lan"] = new { mappings = new Dictionary<string, string> { ["/"] = $"http://{first.Authority}/docker.io" } },
            },
        });

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/_catalog");
        request.Headers.Host = "mirror.local.lan:5000";
        using var response = await collage.Client.SendAsync(request);

        (await response.Content.ReadAsStringAsync()).Should().Be("{\"repositories\":[\"library/alpine\"]}");
        (await collage.Client.GetStringAsync("/v2/_catalog")).Should().Be("{\"repositories\":[\"apps/web\"]}");
    }
}
