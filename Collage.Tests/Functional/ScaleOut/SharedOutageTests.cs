using System.Net;
using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Tests.Functional.Caching;
using Collage.Tests.Functional.Observability;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// A Redis that is down when Collage starts degrades the shared cache, it does not stop Collage or fail a pull:
/// the failures are counted on <c>/metrics</c> (read alone, as every meter of the process is scraped together).
/// </summary>
[Collection(ProcessMetersCollection.Name)]
public sealed class SharedOutageTests(SharedStoresFixture stores) : IClassFixture<SharedStoresFixture>
{
    [Fact]
    public async Task Pull_RedisDownAtStartUp_StartsServesFromUpstreamAndCountsFailures()
    {
        await using var fleet = await SharedFleet.StartAsync(stores);
        var blob = FakeOciRegistry.Content(30_000, seed: 51);
        var digest = fleet.Upstream.AddBlob("team-a/web", blob);
        var manifest = FakeOciRegistry.ImageManifest(digest, digest);
        fleet.Upstream.SetTag("team-a/web", "v1", "application/vnd.oci.image.manifest.v1+json", manifest);

        // Nothing listens there.
        var a = await fleet.StartReplicaAsync(redisConfiguration: $"127.0.0.1:{FreePort.Next()}");

        var (tag, tagBody) = await SharedFleet.SendAsync(a, "/v2/a/web/manifests/v1", accept: "application/vnd.oci.image.manifest.v1+json");
        var (layer, layerBody) = await SharedFleet.SendAsync(a, $"/v2/a/web/blobs/{digest}");
        var (head, _) = await SharedFleet.SendAsync(a, $"/v2/a/web/blobs/{digest}", HttpMethod.Head);

        using (tag)
        using (layer)
        using (head)
        {
            tag.StatusCode.Should().Be(HttpStatusCode.OK);
            tagBody.Should().Equal(manifest);
            layer.StatusCode.Should().Be(HttpStatusCode.OK);
            layerBody.Should().Equal(blob);
            head.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        fleet.Upstream.Count("GET", $"/v2/team-a/web/blobs/{digest}").Should().Be(1, "the blob came from the upstream");
        var text = await Eventually.GetAsync(
            () => a.Client.GetStringAsync("/metrics"),
            t => PrometheusText.Samples(t, "collage_cache_shared_failures_total", ("store", "redis")).Sum() > 0);
        PrometheusText.Samples(text, "collage_cache_shared_failures_total", ("store", "redis")).Sum()
            .Should().BeGreaterThan(0, "every Redis operation that failed is counted");
        PrometheusText.Samples(text, "collage_cache_shared_available", ("store", "redis")).Should().Equal([0.0], "the gauge says Redis is not usable");
    }
}
