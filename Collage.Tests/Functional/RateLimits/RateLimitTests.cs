using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.RateLimits;

public sealed class RateLimitTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task Get_UpstreamAnswers429_LaterRequestsAreAnsweredLocallyAndOnlyOneReachesTheUpstream()
    {
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "120";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}""");
        });
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });
        string[] paths =
        [
            "/v2/apps/web/manifests/v1", "/v2/apps/web/manifests/v1", "/v2/apps/web/manifests/v2",
            $"/v2/apps/web/blobs/{Digest}", "/v2/apps/web/tags/list", "/v2/apps/db/manifests/latest",
        ];

        var answers = new List<(HttpStatusCode Status, string? Code, TimeSpan? RetryAfter, string Body)>();
        foreach (var path in paths)
        {
            using var response = await collage.Client.GetAsync(path);
            answers.Add((response.StatusCode, await ErrorAnswerTests.ErrorCodeAsync(response), response.Headers.RetryAfter?.Delta, await response.Content.ReadAsStringAsync()));
        }

        upstream.Requests.Should().ContainSingle("every request after the 429 is answered by Collage until Retry-After has passed");
        answers.Should().OnlyContain(a => a.Status == HttpStatusCode.TooManyRequests && a.Code == "TOOMANYREQUESTS");
        answers[0].RetryAfter.Should().Be(TimeSpan.FromSeconds(120), "the upstream's own 429 passes on with its Retry-After");
        answers.Skip(1).Should().OnlyContain(a => a.RetryAfter > TimeSpan.Zero && a.RetryAfter <= TimeSpan.FromSeconds(120));
        answers.Should().OnlyContain(a => !a.Body.Contains(upstream.Authority) && !a.Body.Contains("team/"));
        collage.Logs.Lines.Where(l => l.Contains("429 Too Many Requests", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().StartWith("Warning").And.Contain(upstream.Authority).And.Contain("120 s").And.NotContain("http://").And.NotContain("/v2/");
    }

    [Fact]
    public async Task Get_OneUpstreamInBackoff_AnotherUpstreamIsStillAsked()
    {
        await using var limited = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "120";
            return Task.CompletedTask;
        });
        await using var healthy = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
            await context.Response.WriteAsync("{}");
        });
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["apps"] = $"http://{limited.Authority}/team", ["other"] = $"http://{healthy.Authority}/team" },
        });

        using (var first = await collage.Client.GetAsync("/v2/apps/web/manifests/v1"))
        using (var second = await collage.Client.GetAsync("/v2/apps/web/manifests/v1"))
        {
            first.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
            second.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        }

        using var other = await collage.Client.GetAsync("/v2/other/web/manifests/v1");

        other.StatusCode.Should().Be(HttpStatusCode.OK);
        limited.Requests.Should().ContainSingle();
        healthy.Requests.Should().ContainSingle();
    }
}
