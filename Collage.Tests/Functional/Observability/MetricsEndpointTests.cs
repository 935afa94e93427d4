using System.Net;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.Functional.Observability;

[Collection(ProcessMetersCollection.Name)]
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_AfterProxiedRequests_CountsRequestsAndBytesByVhostMountUpstreamKindAndStatus()
    {
        await using var registry = await ObservedRegistry.StartAsync();
        await using var collage = await CollageServer.StartAsync(registry.Config());
        var upstream = ("upstream", registry.Upstream.Authority);

        for (var i = 0; i < 2; i++)
        {
            using var manifest = await collage.Client.GetAsync("/v2/apps/web/manifests/v1");
            manifest.StatusCode.Should().Be(HttpStatusCode.OK);
            (await manifest.Content.ReadAsByteArrayAsync()).Should().Equal(ObservedRegistry.Manifest);
        }

        using (var blob = await collage.Client.GetAsync($"/v2/apps/web/blobs/{ObservedRegistry.Digest}"))
        {
            (await blob.Content.ReadAsByteArrayAsync()).Should().Equal(ObservedRegistry.Blob);
        }

        using (var missing = await collage.Client.GetAsync("/v2/apps/web/manifests/nope"))
        {
            missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        var text = await Eventually.GetAsync(
            () => collage.Client.GetStringAsync("/metrics"),
            t => PrometheusText.Samples(t, "collage_requests_total", upstream, ("kind", "blob")).Count > 0
                && PrometheusText.Samples(t, "collage_requests_total", upstream, ("status", "404")).Count > 0);

        PrometheusText.Samples(text, "collage_requests_total", ("vhost", "global"), ("mount", "apps"), upstream, ("kind", "manifest"), ("status", "200"))
            .Should().Equal(2);
        PrometheusText.Samples(text, "collage_requests_total", ("vhost", "global"), ("mount", "apps"), upstream, ("kind", "blob"), ("status", "200"))
            .Should().Equal(1);
        PrometheusText.Samples(text, "collage_requests_total", ("mount", "apps"), upstream, ("kind", "manifest"), ("status", "404"))
            .Should().Equal(1);
        PrometheusText.Samples(text, "collage_response_body_size_bytes_total", ("mount", "apps"), upstream, ("kind", "manifest"), ("status", "200"))
            .Should().Equal(2 * ObservedRegistry.Manifest.Length);
        PrometheusText.Samples(text, "collage_response_body_size_bytes_total", ("mount", "apps"), upstream, ("kind", "blob"), ("status", "200"))
            .Should().Equal(ObservedRegistry.Blob.Length);
        PrometheusText.Samples(text, "collage_upstream_duration_seconds_count", upstream, ("kind", "manifest"), ("status", "200"))
            .Should().Equal(2);
        PrometheusText.Samples(text, "collage_request_duration_seconds_count", ("mount", "apps"), upstream, ("kind", "manifest"), ("status", "200"))
            .Should().Equal(2);
        PrometheusText.Samples(text, "collage_request_duration_seconds_count", ("mount", "apps"), upstream, ("kind", "blob"), ("status", "200"))
            .Should().Equal(1);
        PrometheusText.Samples(text, "collage_redirects_followed_total", upstream, ("cross_origin", "true"))
            .Should().Equal(1);
        text.Should().NotContain(registry.Signature).And.NotContain(registry.Cdn.Authority);
    }

    [Fact]
    public async Task Metrics_UpstreamProbes_UpGaugePerUpstream()
    {
        await using var registry = await ObservedRegistry.StartAsync();
        var dead = $"127.0.0.1:{EndToEnd.Infrastructure.FreePort.Next()}";
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["apps"] = $"http://{registry.Upstream.Authority}/apps", ["dead"] = $"http://{dead}/x" },
            health = new { probeUpstreams = true, probeInterval = "00:00:01", probeTimeout = "00:00:02" },
        });

        var text = await Eventually.GetAsync(
            () => collage.Client.GetStringAsync("/metrics"),
            t => PrometheusText.Samples(t, "collage_upstream_up", ("upstream", dead)).Count > 0,
            TimeSpan.FromSeconds(20));

        PrometheusText.Samples(text, "collage_upstream_up", ("upstream", registry.Upstream.Authority)).Should().Equal(1);
        PrometheusText.Samples(text, "collage_upstream_up", ("upstream", dead)).Should().Equal(0);
    }

    [Fact]
    public async Task Metrics_ProbesOff_NoUpGauge()
    {
        await using var registry = await ObservedRegistry.StartAsync();
        await using var collage = await CollageServer.StartAsync(registry.Config());
        using (var manifest = await collage.Client.GetAsync("/v2/apps/web/manifests/v1"))
        {
            manifest.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var text = await Eventually.GetAsync(
            () => collage.Client.GetStringAsync("/metrics"),
            t => PrometheusText.Samples(t, "collage_requests_total", ("kind", "manifest")).Count > 0);

        text.Should().NotContain("collage_upstream_up{", "no probe is not a verdict");
    }

    [Fact]
    public async Task Metrics_RequestsCollageAnswersItself_AreCountedWithoutMountOrUpstream()
    {
        await using var registry = await ObservedRegistry.StartAsync();
        await using var collage = await CollageServer.StartAsync(registry.Config());

        using (var unmounted = await collage.Client.GetAsync("/v2/elsewhere/web/manifests/v1"))
        {
            unmounted.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        var text = await Eventually.GetAsync(
            () => collage.Client.GetStringAsync("/metrics"),
            t => PrometheusText.Samples(t, "collage_requests_total", ("kind", "manifest"), ("status", "404")).Count > 0);

        var line = text.Split('\n').Single(l => l.StartsWith("collage_requests_total{", StringComparison.Ordinal) && l.Contains("status=\"404\"", StringComparison.Ordinal) && !l.Contains("mount=", StringComparison.Ordinal));
        line.Should().Contain("vhost=\"global\"").And.Contain("kind=\"manifest\"").And.NotContain("upstream=");
    }

    [Fact]
    public async Task Metrics_ScrapesAndProbes_AreNotCountedAsRegistryRequests()
    {
        await using var registry = await ObservedRegistry.StartAsync();
        await using var collage = await CollageServer.StartAsync(registry.Config());

        // One connection, one request after another: Kestrel reads the next request on an HTTP/1.1 connection only
        // once the previous one's pipeline has returned, where it is counted and logged.
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseCookies = false }) { BaseAddress = collage.BaseUri };
        using var metrics = await client.GetAsync("/metrics");
        metrics.StatusCode.Should().Be(HttpStatusCode.OK);
        metrics.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        (await client.GetAsync("/healthz")).Dispose();

        // A request that is counted, after the scrape and the probe: once it shows, they have had their chance.
        using (var counted = await client.GetAsync("/v2/elsewhere/web/manifests/v1"))
        {
            counted.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        var text = await Eventually.GetAsync(
            () => client.GetStringAsync("/metrics"),
            t => PrometheusText.Samples(t, "collage_requests_total", ("kind", "manifest"), ("status", "404")).Count > 0);

        PrometheusText.Samples(text, "collage_requests_total", ("kind", "manifest"), ("status", "404")).Should().NotBeEmpty("the request after them was counted");
        text.Split('\n').Should().NotContain(l => l.StartsWith("collage_requests_total{", StringComparison.Ordinal) && l.Contains("kind=\"other\"", StringComparison.Ordinal) && l.Contains("status=\"200\"", StringComparison.Ordinal));
        collage.Logs.All.Should().NotContain("/healthz").And.NotContain("/metrics");
    }
}
