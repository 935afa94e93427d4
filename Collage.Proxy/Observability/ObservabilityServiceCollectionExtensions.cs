using Collage.Proxy.Configuration;
using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Collage.Proxy.Observability;

/// <summary>
/// OpenTelemetry for Collage: traces from ASP.NET Core, the upstream HTTP clients and YARP; metrics from the
/// <see cref="CollageMetrics.MeterName"/> meter (and ASP.NET Core's and HttpClient's when asked); a Prometheus scrape endpoint
/// always; OTLP export only when an <c>OTEL_EXPORTER_OTLP_*ENDPOINT</c> variable asks for it.
/// </summary>
internal static class ObservabilityServiceCollectionExtensions
{
    /// <summary>YARP's ActivitySource: the forwarding span between the server span and the upstream client span.</summary>
    public const string YarpActivitySource = "Yarp.ReverseProxy";

    /// <summary>The OTLP endpoint for every signal (OpenTelemetry specification, "OTLP Exporter Configuration").</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Records spans without an OTLP endpoint (for an exporter added in code, e.g. in tests). Default off.</summary>
    public const string TracingSwitch = "Telemetry:Tracing";

    /// <summary>Also exports ASP.NET Core's and HttpClient's own metrics (<c>http.server.*</c>, <c>kestrel.*</c>, <c>http.client.*</c>). Default off.</summary>
    public const string PlatformMetricsSwitch = "Telemetry:PlatformMetrics";

    private const string DefaultServiceName = "collage";

    public static IServiceCollection AddCollageObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.TryAddSingleton<CollageMetrics>();

        var platformMetrics = new ConfigSection(configuration).Switch(PlatformMetricsSwitch);
        var version = typeof(ObservabilityServiceCollectionExtensions).Assembly.GetName().Version?.ToString(3);
        var telemetry = services.AddOpenTelemetry()
            // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES are read by the default resource; the name given here
            // would override them, so it is only the fallback.
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? DefaultServiceName, serviceVersion: version))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(CollageMetrics.MeterName).AddPrometheusExporter();

                // ASP.NET Core's and HttpClient's own meters add about eight measurements to every request that
                // the Collage meter already sums up (requests, statuses, bytes, upstream latency): opt-in.
                if (platformMetrics)
                {
                    metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                }
            });

        // Spans cost CPU on every request (three per proxied request): record them only when they go somewhere.
        if (IsSet(configuration, OtlpEndpointVariable) || IsSet(configuration, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
            || new ConfigSection(configuration).Switch(TracingSwitch))
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !ObservabilityEndpoints.IsOperational(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource(YarpActivitySource));
        }

        // Without an endpoint OTLP would send to localhost:4317 and log every failure: export is opt-in.
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]))
        {
            telemetry.UseOtlpExporter();
        }
        else
        {
            if (IsSet(configuration, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
            {
                telemetry.WithTracing(tracing => tracing.AddOtlpExporter());
            }

            if (IsSet(configuration, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"))
            {
                telemetry.WithMetrics(metrics => metrics.AddOtlpExporter());
            }

            if (IsSet(configuration, "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"))
            {
                telemetry.WithLogging(logging => logging.AddOtlpExporter());
            }
        }

        return services;
    }

    private static bool IsSet(IConfiguration configuration, string key) => !string.IsNullOrWhiteSpace(configuration[key]);
}
