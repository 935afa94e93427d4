using Collage.Proxy.Health;

namespace Collage.Proxy.Observability;

/// <summary>The endpoints outside <c>/v2/</c> that operators and orchestrators call: metrics, liveness, readiness.</summary>
internal static class ObservabilityEndpoints
{
    /// <summary>Prometheus scrape endpoint.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>Liveness: 200 while the process serves.</summary>
    public const string HealthPath = "/healthz";

    /// <summary>Readiness: 200 when the config is loaded and, with probes on, every upstream answers.</summary>
    public const string ReadyPath = "/readyz";

    /// <summary>Whether a request is a scrape or a probe, which are neither traced, counted nor access-logged.</summary>
    public static bool IsOperational(PathString path) =>
        path.StartsWithSegments(MetricsPath, StringComparison.Ordinal)
        || path.StartsWithSegments(HealthPath, StringComparison.Ordinal)
        || path.StartsWithSegments(ReadyPath, StringComparison.Ordinal);

    public static void MapObservabilityEndpoints(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        app.MapMethods(HealthPath, [HttpMethods.Get, HttpMethods.Head], HealthEndpoints.HandleLivenessAsync);
        app.MapMethods(ReadyPath, [HttpMethods.Get, HttpMethods.Head], HealthEndpoints.HandleReadinessAsync);
    }
}
