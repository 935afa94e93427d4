using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Caching;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Spec;

/// <summary>
/// The API version check (distribution spec 1.1, "Determining Support", end-1; distribution's "API Version Check":
/// <c>Docker-Distribution-API-Version: registry/2.0</c> on a 200 or 401), the refusals of a read-only registry
/// ("Content Management": where deletion is disabled, a DELETE MUST be answered 400 or 405), and "Warnings" (a
/// <c>Warning</c> header MUST be <c>299 -</c> and at most 4096 bytes: Collage sends none, an upstream's included).
/// </summary>
public sealed class BaseAndReadOnlyTests
{
    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task GetOrHead_Base_200WithApiVersionAndNoUpstreamRequest(string method)
    {
        await using var upstream = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        await using var collage = await SpecCollage.StartAsync(upstream.Authority, cached: false);

        var (response, body) = await collage.SendAsync(method, "/v2/");

        using (response)
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.Headers.GetValues("Docker-Distribution-API-Version").Should().Equal("registry/2.0");
            body.Should().Be(method == "GET" ? "{}" : string.Empty);
        }

        upstream.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Get_BaseOnAHostOfPassThroughMountsOnly_401WithChallengeAndApiVersion()
    {
        await using var upstream = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" },
            upstreams = new Dictionary<string, object> { [upstream.Authority] = new { auth = "passthrough" } },
        });

        using var response = await collage.Client.GetAsync("/v2/");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Should().ContainSingle().Which.Scheme.Should().Be("Bearer");
        response.Headers.GetValues("Docker-Distribution-API-Version").Should().Equal("registry/2.0");
        (await ErrorAnswerTests.ErrorCodeAsync(response)).Should().Be("UNAUTHORIZED");
    }

    [Theory]
    [InlineData("/v2/apps/web/manifests/v1")]
    [InlineData("/v2/apps/web/manifests/sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("/v2/apps/web/blobs/sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public async Task Delete_TagManifestOrBlob_405UnsupportedWithAllowAndNothingUpstream(string path)
    {
        await using var upstream = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        await using var collage = await SpecCollage.StartAsync(upstream.Authority, cached: false);

        var (response, _) = await collage.SendAsync("DELETE", path);

        using (response)
        {
            response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
            response.Content.Headers.Allow.Should().BeEquivalentTo("GET", "HEAD");
            (await ErrorAnswerTests.ErrorCodeAsync(response)).Should().Be("UNSUPPORTED");
        }

        upstream.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Get_UpstreamSendsWarnings_CollageSendsNone(bool cached)
    {
        var manifest = FakeOciRegistry.ImageManifest(FakeOciRegistry.DigestOf([7]));
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.Headers.Append("Warning", "199 - \"not the spec's warn-code\"");
            context.Response.Headers.Append("Warning", $"299 - \"{new string('w', 5000)}\"");
            context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
            context.Response.Headers["Docker-Content-Digest"] = FakeOciRegistry.DigestOf(manifest);
            await context.Response.Body.WriteAsync(manifest);
        });
        await using var collage = await SpecCollage.StartAsync(upstream.Authority, cached);

        var (response, _) = await collage.SendAsync(HttpMethods.Get, "/v2/apps/web/manifests/v1", "application/vnd.oci.image.manifest.v1+json");

        using (response)
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.Headers.Contains("Warning").Should().BeFalse();
        }
    }
}
