using Collage.Tests.Common;
using System.Net;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional;

public sealed class ReferrersTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task GetReferrers_UpstreamSupportsApi_PassesIndexFilterAndLocalLink()
    {
        const string index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}";
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/vnd.oci.image.index.v1+json";
            context.Response.Headers["OCI-Filters-Applied"] = "artifactType";
            context.Response.Headers.Link = $"</v2/team/web/referrers/{Digest}?artifactType=application%2Fvnd.example&last=x>; rel=\"next\"";
            await context.Response.WriteAsync(index);
        });
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        using var response = await collage.Client.GetAsync($"/v2/apps/web/referrers/{Digest}?artifactType=application%2Fvnd.example");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be(index);
        response.Headers.GetValues("OCI-Filters-Applied").Should().Equal("artifactType");
        response.Headers.GetValues("Link").Should().Equal($"</v2/apps/web/referrers/{Digest}?artifactType=application%2Fvnd.example&last=x>; rel=\"next\"");
        upstream.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be($"/v2/team/web/referrers/{Digest}?artifactType=application%2Fvnd.example");
    }

    [Fact]
    public async Task GetReferrers_UpstreamWithoutApiNorTag_AnswersTheEmptyIndexFromTheTagSchema()
    {
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            // distribution 2.8 has no referrers route: a plain-text 404; and no referrers tag either.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync("404 page not found\n");
        });
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        using var response = await collage.Client.GetAsync($"/v2/apps/web/referrers/{Digest}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/vnd.oci.image.index.v1+json");
        (await response.Content.ReadAsStringAsync()).Should().Be("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}");
        upstream.Requests.Select(r => r.PathAndQuery).Should().Equal(
            $"/v2/team/web/referrers/{Digest}",
            $"/v2/team/web/manifests/sha256-{Digest[7..]}");
    }

    [Fact]
    public async Task GetReferrers_InvalidDigest_Is400WithoutContactingUpstream()
    {
        await using var upstream = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        using var response = await collage.Client.GetAsync("/v2/apps/web/referrers/latest");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ErrorAnswerTests.ErrorCodeAsync(response)).Should().Be("DIGEST_INVALID");
        upstream.Requests.Should().BeEmpty();
    }
}
