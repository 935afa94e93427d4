using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Collage.Tests.Common;
using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Tests.Functional.Authentication;
using Collage.Tests.Functional.Caching;
using Collage.Tests.Functional.Infrastructure;
using Collage.Tests.Functional.ScaleOut;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Deployment;

/// <summary>
/// Collage with every feature the dashboard shows, each made to record: a gateway with a token-dance upstream, an
/// upstream that reports Docker Hub's rate limit and then answers 429, a group of two members and a mount whose
/// upstream is down; two replicas sharing s3rver and Redis (a fetch, a hit, an upload, a read from the bucket), one
/// replica whose Redis is down (shared failures), and a local cache at the smallest maxSize that must evict.
/// </summary>
internal sealed class MetricsRig : IAsyncDisposable
{
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private readonly List<IAsyncDisposable> _parts = [];
    private readonly List<CollageServer> _gateways = [];

    private MetricsRig()
    {
    }

    /// <summary>Starts the rig and sends the requests that make each instrument record.</summary>
    public static async Task<MetricsRig> StartAsync(SharedStoresFixture stores)
    {
        var rig = new MetricsRig();
        try
        {
            await rig.GatewayAsync();
            await rig.FleetAsync(stores);
            await rig.EvictingCacheAsync();
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>The <c>/metrics</c> text of every gateway of the rig, one after the other.</summary>
    public async Task<string> ScrapeAsync()
    {
        var texts = new List<string>();
        foreach (var gateway in _gateways)
        {
            texts.Add(await gateway.Client.GetStringAsync("/metrics"));
        }

        return string.Join('\n', texts);
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _parts.Count - 1; i >= 0; i--)
        {
            await _parts[i].DisposeAsync();
        }
    }

    private T Own<T>(T part)
        where T : IAsyncDisposable
    {
        _parts.Add(part);
        return part;
    }

    private async Task GatewayAsync()
    {
        var tokens = Own(await FakeTokenServer.StartAsync());
        var hub = Own(await FakeRegistry.StartAsync(tokens));
        var limited = Own(await LoopbackServer.StartAsync(async context =>
        {
            if (context.Request.Path.Value!.Contains("/manifests/over", StringComparison.Ordinal))
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "600";
                return;
            }

            context.Response.Headers["ratelimit-limit"] = "100;w=21600";
            context.Response.Headers["ratelimit-remaining"] = "0;w=21600";
            context.Response.ContentType = ManifestType;
            await context.Response.WriteAsync("{}");
        }));
        var members = new[] { Own(await LoopbackServer.StartAsync(Manifest)), Own(await LoopbackServer.StartAsync(Manifest)) };
        var gateway = Own(await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, object>
            {
                ["hub"] = $"http://{hub.BaseUri.Authority}",
                ["limited"] = $"http://{limited.Authority}",
                ["lib"] = members.Select(m => $"http://{m.Authority}").ToArray(),
                ["dead"] = $"http://127.0.0.1:{FreePort.Next()}",
            },
            // Probes on, so collage_upstream_up is exported (it reports nothing before a round).
            health = new { probeUpstreams = true, probeInterval = "00:00:01", probeTimeout = "00:00:02" },
        }));
        _gateways.Add(gateway);
        await FirstProbeRoundAsync(gateway);

        // One token fetch, then two requests with the cached token.
        await ExpectAsync(gateway, "/v2/hub/library/alpine/manifests/v1", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK);
        await ExpectAsync(gateway, "/v2/limited/library/alpine/manifests/v1", HttpStatusCode.OK);
        await ExpectAsync(gateway, "/v2/limited/library/alpine/manifests/over", HttpStatusCode.TooManyRequests);
        await ExpectAsync(gateway, "/v2/lib/app/manifests/v1", HttpStatusCode.OK);
        await ExpectAsync(gateway, "/v2/dead/app/manifests/v1", HttpStatusCode.BadGateway);
    }

    private static async Task FirstProbeRoundAsync(CollageServer gateway)
    {
        var health = gateway.Services.GetRequiredService<Collage.Proxy.Health.UpstreamHealth>();
        await Functional.Observability.Eventually.GetAsync(() => Task.FromResult(health.Last), last => last is not null, TimeSpan.FromSeconds(20));

        health.Last.Should().NotBeNull("a probe round completes within 20 s");
    }

    private async Task FleetAsync(SharedStoresFixture stores)
    {
        var fleet = Own(await SharedFleet.StartAsync(stores));
        var blob = FakeOciRegistry.Content(30_000, seed: 61);
        var digest = fleet.Upstream.AddBlob("team-a/web", blob);
        fleet.Upstream.SetTag("team-a/web", "v1", ManifestType, FakeOciRegistry.ImageManifest(digest, digest));
        var blobPath = $"/v2/a/web/blobs/{digest}";

        var first = await fleet.StartReplicaAsync();
        _gateways.Add(first);
        await PullAsync(first, "/v2/a/web/manifests/v1");
        await PullAsync(first, blobPath);
        await SharedFleet.SettledAsync(first);

        // A hit on the first replica; the second fills from the bucket, the third cannot reach its Redis.
        await PullAsync(first, blobPath);
        var second = await fleet.StartReplicaAsync();
        _gateways.Add(second);
        await PullAsync(second, blobPath);
        var third = await fleet.StartReplicaAsync(redisConfiguration: $"127.0.0.1:{FreePort.Next()}");
        _gateways.Add(third);
        await PullAsync(third, blobPath);
    }

    private async Task EvictingCacheAsync()
    {
        var registry = Own(await FakeOciRegistry.StartAsync());
        var cache = Own(await CachedCollage.StartAsync(registry, maxSize: "1MiB"));
        _gateways.Add(cache.Server);

        // Three blobs of 400 KiB do not fit under 1 MiB together: the third evicts the first.
        for (var i = 0; i < 3; i++)
        {
            var digest = registry.AddBlob("team-a/web", FakeOciRegistry.Content(400 * 1024, seed: 62 + i));
            await cache.PrimeAsync($"/v2/a/web/blobs/{digest}");
        }
    }

    private static async Task Manifest(HttpContext context)
    {
        context.Response.ContentType = ManifestType;
        await context.Response.WriteAsync("{\"schemaVersion\":2,\"layers\":[]}");
    }

    private static async Task ExpectAsync(CollageServer gateway, string path, params HttpStatusCode[] statuses)
    {
        foreach (var status in statuses)
        {
            using var response = await gateway.Client.GetAsync(path);
            response.StatusCode.Should().Be(status, $"GET {path} exercises its instruments");
        }
    }

    private static async Task PullAsync(CollageServer replica, string path)
    {
        var (response, _) = await SharedFleet.SendAsync(replica, path, accept: ManifestType);
        using (response)
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK, $"GET {path} pulls through the shared cache");
        }
    }
}
