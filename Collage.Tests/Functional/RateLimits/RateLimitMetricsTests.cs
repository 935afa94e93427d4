using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Collage.Tests.Functional.Observability;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.RateLimits;

[Collection(ProcessMetersCollection.Name)]
public sealed class RateLimitMetricsTests
{
    [Fact]
    public async Task Metrics_DockerHubRateLimitHeaders_AreExportedAsPerUpstreamGauges()
    {
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.Headers["ratelimit-limit"] = "100;w=21600";
            context.Response.Headers["ratelimit-remaining"] = "76;w=21600";
            context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
            await context.Response.WriteAsync("{}");
        });
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["hub"] = $"http://{upstream.Authority}" } });
        var label = ("upstream", upstream.Authority);

        using (var manifest = await collage.Client.GetAsync("/v2/hub/library/alpine/manifests/latest"))
        {
            manifest.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var text = await Eventually.GetAsync(
            () => collage.Client.GetStringAsync("/metrics"),
            t => PrometheusText.Samples(t, "collage_upstream_ratelimit_remaining", label).Count > 0);

        PrometheusText.Samples(text, "collage_upstream_ratelimit_limit", label).Should().Equal(100);
        PrometheusText.Samples(text, "collage_upstream_ratelimit_remaining", label).Should().Equal(76);
        PrometheusText.Samples(text, "collage_upstream_ratelimit_window_seconds", label).Should().Equal(21600);
        upstream.Requests.Should().ContainSingle();
    }
}
