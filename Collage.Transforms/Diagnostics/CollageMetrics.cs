using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Collage.Transforms.Mounts;

namespace Collage.Transforms.Diagnostics;

/// <summary>
/// The instruments of the meter <see cref="MeterName"/>: client requests and the bytes streamed to clients
/// (recorded by the gateway), and what the upstream handler chains do (latency, token fetches and cache hits,
/// redirects followed) and see (the rate limits upstreams report). Created through <see cref="IMeterFactory"/>, so each host has its own meter.
/// </summary>
internal sealed class CollageMetrics
{
    /// <summary>The name of the meter, for OpenTelemetry's <c>AddMeter</c> and <c>dotnet-counters</c>.</summary>
    public const string MeterName = "Collage";

    private readonly ConcurrentDictionary<string, UpstreamTelemetry> _upstreams = new(StringComparer.Ordinal);

    public CollageMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(MeterName);
        Requests = Meter.CreateCounter<long>(
            "collage.requests", unit: "{request}", description: "Client requests answered, by vhost, mount, upstream, kind and status.");
        ResponseBytes = Meter.CreateCounter<long>(
            "collage.response.body.size", unit: "By", description: "Response body bytes sent to clients, by vhost, mount, upstream, kind and status.");
        // Client latency, the whole answer: for a blob that is the transfer, so the large buckets are for blobs.
        RequestDuration = Meter.CreateHistogram(
            "collage.request.duration", unit: "s", description: "Time from a client request's arrival until its answer was sent, body included, by vhost, mount, upstream, kind and status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
        UpstreamDuration = Meter.CreateHistogram(
            "collage.upstream.duration", unit: "s", description: "Time until an upstream answered with headers (token dance and redirects included), by upstream, kind and status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60] });
        TokenFetches = Meter.CreateCounter<long>(
            "collage.token.fetches", unit: "{fetch}", description: "Anonymous Bearer tokens fetched from upstream token servers, by upstream and outcome.");
        TokenCacheHits = Meter.CreateCounter<long>(
            "collage.token.cache_hits", unit: "{hit}", description: "Upstream requests sent with a cached token up front, saving a 401, by upstream.");
        RedirectsFollowed = Meter.CreateCounter<long>(
            "collage.redirects.followed", unit: "{redirect}", description: "Upstream redirects followed server-side, by upstream and whether the hop left the upstream's origin.");

        // Gauges, the last value an upstream reported (Docker Hub's ratelimit-limit / ratelimit-remaining headers):
        // a quota is a level, not a sum, and it changes only when an answer says so.
        RateLimitLimit = Meter.CreateGauge<long>(
            "collage.upstream.ratelimit.limit", unit: "{request}", description: "The request limit of the upstream's rate-limit window, as its last answer reported it, by upstream.");
        RateLimitRemaining = Meter.CreateGauge<long>(
            "collage.upstream.ratelimit.remaining", unit: "{request}", description: "The requests left in the upstream's rate-limit window, as its last answer reported it, by upstream.");
        RateLimitWindow = Meter.CreateGauge<long>(
            "collage.upstream.ratelimit.window", unit: "s", description: "The length of the upstream's rate-limit window (the w= of its rate-limit headers), by upstream.");
    }

    public Meter Meter { get; }

    public Counter<long> Requests { get; }

    public Counter<long> ResponseBytes { get; }

    public Histogram<double> RequestDuration { get; }

    public Histogram<double> UpstreamDuration { get; }

    public Counter<long> TokenFetches { get; }

    public Counter<long> TokenCacheHits { get; }

    public Counter<long> RedirectsFollowed { get; }

    public Gauge<long> RateLimitLimit { get; }

    public Gauge<long> RateLimitRemaining { get; }

    public Gauge<long> RateLimitWindow { get; }

    /// <summary>The instruments bound to one upstream, built once per upstream so its tag is not rebuilt per request.</summary>
    public UpstreamTelemetry ForUpstream(Upstream upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        return _upstreams.GetOrAdd(upstream.Id, static (_, state) => new UpstreamTelemetry(state.Metrics, state.Upstream), (Metrics: this, Upstream: upstream));
    }

    /// <summary>Records one answered client request, the bytes its body carried and, when known, how long it took.</summary>
    public void RecordRequest(in TagList tags, long bytes, TimeSpan? elapsed = null)
    {
        Requests.Add(1, in tags);
        if (elapsed is { } duration)
        {
            RequestDuration.Record(duration.TotalSeconds, in tags);
        }

        if (bytes > 0)
        {
            ResponseBytes.Add(bytes, in tags);
        }
    }
}
