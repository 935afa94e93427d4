using System.Diagnostics;
using System.Net;
using Collage.Tests.Functional.Infrastructure;
using OpenTelemetry.Trace;

namespace Collage.Tests.Functional.Observability;

public sealed class TracingTests
{
    [Fact]
    public async Task ProxiedManifest_ServerSpanYarpSpanAndUpstreamClientSpanShareOneTrace()
    {
        await using var registry = await ObservedRegistry.StartAsync();
        var exported = new ExportedSpans();
        await using var collage = await StartTracedAsync(registry, exported);

        using (var response = await collage.Client.GetAsync("/v2/apps/web/manifests/v1"))
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var collagePort = collage.BaseUri.Port;
        var upstreamPort = registry.Upstream.BaseUri.Port;
        var spans = await Eventually.GetAsync(() => Task.FromResult(exported.Snapshot()), found => ServerSpans(found, collagePort).Any());

        var server = ServerSpans(spans, collagePort).Should().ContainSingle().Subject;
        server.GetTagItem("url.path").Should().Be("/v2/apps/web/manifests/v1");
        server.GetTagItem("http.response.status_code").Should().Be(200);

        var client = spans.Where(s => s.Kind == ActivityKind.Client && Equals(s.GetTagItem("server.port"), upstreamPort)).Should().ContainSingle().Subject;
        client.TraceId.Should().Be(server.TraceId);
        client.GetTagItem("url.full").Should().Be(registry.Upstream.Url("/v2/team/web/manifests/v1").AbsoluteUri);

        spans.Should().Contain(s => s.Source.Name == "Yarp.ReverseProxy" && s.TraceId == server.TraceId, "YARP's forwarding span joins the trace");
    }

    [Fact]
    public async Task BlobRedirectedToCdn_CdnHopIsTracedWithoutItsSignedQuery()
    {
        await using var registry = await ObservedRegistry.StartAsync();
        var exported = new ExportedSpans();
        await using var collage = await StartTracedAsync(registry, exported);

        using (var response = await collage.Client.GetAsync($"/v2/apps/web/blobs/{ObservedRegistry.Digest}"))
        {
            (await response.Content.ReadAsByteArrayAsync()).Should().Equal(ObservedRegistry.Blob);
        }

        var spans = await Eventually.GetAsync(() => Task.FromResult(exported.Snapshot()), found => ServerSpans(found, collage.BaseUri.Port).Any());
        var server = ServerSpans(spans, collage.BaseUri.Port).Single();
        var cdnHop = spans.Where(s => s.Kind == ActivityKind.Client && Equals(s.GetTagItem("server.port"), registry.Cdn.BaseUri.Port)).Should().ContainSingle().Subject;
        cdnHop.TraceId.Should().Be(server.TraceId);

        var values = spans.Where(s => s.TraceId == server.TraceId).SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? string.Empty).ToArray();
        values.Should().NotContain(v => v.Contains(registry.Signature, StringComparison.Ordinal), "a CDN URL's query carries its signature");
    }

    private static IEnumerable<Activity> ServerSpans(IEnumerable<Activity> spans, int port) =>
        spans.Where(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("server.port"), port) && s.Source.Name == "Microsoft.AspNetCore");

    /// <summary>The gateway with span recording switched on and spans going to <paramref name="exported"/>.</summary>
    private static Task<CollageServer> StartTracedAsync(ObservedRegistry registry, ExportedSpans exported) =>
        CollageServer.StartAsync(
            registry.Config(),
            builder =>
            {
                builder.Configuration[Collage.Proxy.Observability.ObservabilityServiceCollectionExtensions.TracingSwitch] = "true";
                builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(exported));
            });
}
