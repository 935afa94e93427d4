using System.Diagnostics;
using Collage.Transforms.Caching;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http.Features;

namespace Collage.Proxy.Observability;

/// <summary>
/// Outermost middleware: counts the body bytes each response carries and, once the response is done, records
/// <c>collage.requests</c> and <c>collage.response.body.size</c> and writes one access-log line. Labels come from the
/// <see cref="RegistryRequestFeature"/> the front door set (vhost, mount, upstream, kind), so nothing is
/// parsed twice; the probe and scrape endpoints are neither counted nor logged.
/// </summary>
internal sealed class RequestTelemetryMiddleware(
    RequestDelegate next,
    CollageMetrics metrics,
    ILoggerFactory loggerFactory,
    TimeProvider timeProvider)
{
    private const string None = "-";

    private readonly ILogger _accessLog = loggerFactory.CreateLogger(AccessLog.Category);

    public Task InvokeAsync(HttpContext context)
    {
        if (ObservabilityEndpoints.IsOperational(context.Request.Path))
        {
            return next(context);
        }

        return InvokeCoreAsync(context);
    }

    private async Task InvokeCoreAsync(HttpContext context)
    {
        var started = timeProvider.GetTimestamp();
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var body = new CountingResponseBody(original);
        context.Features.Set<IHttpResponseBodyFeature>(body);
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(original);
            Record(context, body.BytesWritten, timeProvider.GetElapsedTime(started));
        }
    }

    private void Record(HttpContext context, long bytes, TimeSpan elapsed)
    {
        var status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode;
        // The front door's decisions, refused requests included; only paths outside /v2/ come without them.
        var feature = context.Features.Get<RegistryRequestFeature>();
        var kind = MetricTags.KindName(feature?.Kind ?? RegistryRequestKind.Unknown);
        var vhost = feature?.Map.Name ?? None;
        var name = feature?.Request?.Name is { Length: > 0 } requested ? requested : None;
        string? mount = null, upstream = null;
        if (feature?.Resolution is { } resolution)
        {
            mount = MetricTags.MountName(resolution.Mount);
            upstream = resolution.Upstream.Authority;
        }

        if (metrics.Requests.Enabled)
        {
            var tags = new TagList
            {
                { MetricTags.Vhost, vhost },
                { MetricTags.Kind, kind },
                { MetricTags.Status, MetricTags.StatusValue(status) },
            };
            if (mount is not null)
            {
                tags.Add(MetricTags.Mount, mount);
                tags.Add(MetricTags.Upstream, upstream);
            }

            metrics.RecordRequest(in tags, bytes, elapsed);
        }

        AccessLog.Request(
            _accessLog,
            context.Request.Method,
            context.Request.Host.Value ?? None,
            context.Request.Path.Value ?? string.Empty,
            status,
            bytes,
            elapsed.TotalMilliseconds,
            kind,
            name,
            upstream ?? None,
            vhost,
            feature?.CacheOutcome is { } outcome ? CacheOutcomeNames.Lower(outcome) : None,
            feature?.Identity?.User ?? None);
    }
}
