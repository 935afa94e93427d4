using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Groups;

public sealed class GroupSmokeTests
{
    [Fact]
    public async Task GetManifest_FirstMemberFails_SecondAnswersWithItsLinkRewritten()
    {
        await using var first = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        });
        await using var second = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
            await context.Response.WriteAsync("{}");
        });
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, object> { ["lib"] = new[] { $"http://{first.Authority}/one", $"http://{second.Authority}/two" } },
        });

        using var response = await collage.Client.GetAsync("/v2/lib/app/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("{}");
        first.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be("/v2/one/app/manifests/v1");
        second.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be("/v2/two/app/manifests/v1");
    }

    [Fact]
    public async Task GetTagsList_TwoMembers_MergedSortedAndPagedLocally()
    {
        await using var first = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"name\":\"one/app\",\"tags\":[\"v2\",\"latest\"]}");
        });
        await using var second = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"name\":\"two/app\",\"tags\":[\"v1\",\"v2\"]}");
        });
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, object> { ["lib"] = new[] { $"http://{first.Authority}/one", $"http://{second.Authority}/two" } },
        });

        using var response = await collage.Client.GetAsync("/v2/lib/app/tags/list?n=2");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("{\"name\":\"lib/app\",\"tags\":[\"latest\",\"v1\"]}");
        response.Headers.GetValues("Link").Should().Equal("</v2/lib/app/tags/list?n=2&last=v1>; rel=\"next\"");
        first.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be("/v2/one/app/tags/list");
        second.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be("/v2/two/app/tags/list");
    }
}
