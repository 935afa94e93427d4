using Collage.Proxy.Caching;
using Collage.Proxy.Endpoints;
using Collage.Proxy.FrontDoor;
using Collage.Proxy.Groups;
using Collage.Proxy.Observability;
using Collage.Proxy.Referrers;
using Collage.Proxy.Routing;
using Collage.Proxy.Ui;

namespace Collage.Proxy.Hosting;

/// <summary>
/// The path of a request through Collage, top to bottom in the order a request takes it:
/// <code>
/// RequestTelemetryMiddleware          access log, metrics, span
///  -> FrontDoorMiddleware          every decision, once: table, map (Host or ns), read-only guard, grammar,
///                                 page, mount; carried on the request as RegistryRequestFeature
///  -> routing
///     -> Collage's own endpoints      /v2/, /v2/_catalog, /v2/token, /healthz, /readyz, /metrics,
///                                     /_collage/fleet/blobs/{hex} (another replica streaming this one's fetch), and
///                                     the web page under /ui/ (its calls to /v2/ come back in at the top, on loopback)
///      | reverse proxy                every mounted repository request
///        PullThroughCacheMiddleware   blobs, manifests, tag lists, referrers of cached upstreams: answered from the
///                                     cache or fetched once for every client; the rest goes on unchanged
///        ReferrersMiddleware          referrers: the upstream's API, or its emulation from the referrers tag
///        GroupTagsMiddleware          tags/list of an upstream group: the members' lists merged and paged
///        ForwarderErrorMiddleware     a failed forward becomes a 502/504 OCI error
///        -> UpstreamSelectionMiddleware   the resolved upstream's cluster
///        -> YARP forwarder            with the registry request/response transforms
///        -> GroupHandler              for an upstream group: the members in order, each through its breaker
///        -> upstream handler chain    rate limit -> latency -> token -> redirect -> sockets (TLS trust)
/// </code>
/// </summary>
internal static class CollagePipeline
{
    /// <summary>Adds the middleware and maps the endpoints of <paramref name="app"/>, in request order.</summary>
    public static void Map(WebApplication app)
    {
        app.UseMiddleware<RequestTelemetryMiddleware>();
        app.UseMiddleware<FrontDoorMiddleware>();
        app.UseRouting();
        MapOwnEndpoints(app);
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<PullThroughCacheMiddleware>();
            proxy.UseMiddleware<ReferrersMiddleware>();
            proxy.UseMiddleware<GroupTagsMiddleware>();
            proxy.UseMiddleware<ForwarderErrorMiddleware>();
            proxy.UseMiddleware<UpstreamSelectionMiddleware>();
        });
    }

    // Answered by Collage itself, never forwarded: the API base, the merged catalog, the pass-through token
    // endpoint, and the operators' health and metrics.
    private static void MapOwnEndpoints(WebApplication app)
    {
        app.MapObservabilityEndpoints();
        app.MapMethods("/v2/", [HttpMethods.Get, HttpMethods.Head], BaseEndpoint.HandleAsync);
        app.MapMethods("/v2/_catalog", [HttpMethods.Get, HttpMethods.Head], CatalogEndpoint.HandleAsync);
        app.MapMethods(TokenEndpoint.Path, [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post], TokenEndpoint.HandleAsync);
        app.MapGet(Transforms.Caching.Shared.FleetPeerProtocol.Route, FleetPeerEndpoint.HandleAsync);
        if (app.Services.GetRequiredService<Ui.UiOptions>() is { Enabled: true } ui)
        {
            app.MapUi(ui);
        }
    }
}
