using System.Diagnostics.Metrics;
using Collage.Transforms.Diagnostics;

namespace Collage.Proxy.Health;

/// <summary>
/// The last round of upstream probes, swapped whole, so <c>/readyz</c> reads cached results and never waits
/// for an upstream. Exported as the gauge <c>collage.upstream.up</c> (1 up, 0 down, per upstream), which reports
/// nothing before the first round and while probes are off: no probe is not a verdict.
/// </summary>
internal sealed class UpstreamHealth
{
    private volatile IReadOnlyList<UpstreamProbeResult>? _last;

    public UpstreamHealth(CollageMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        metrics.Meter.CreateObservableGauge(
            "collage.upstream.up",
            Observe,
            unit: "{upstream}",
            description: "1 while an upstream answered its last health probe below 500, 0 while it did not, by upstream; absent while probes are off.");
    }

    /// <summary>The results of the last complete round; null before the first one.</summary>
    public IReadOnlyList<UpstreamProbeResult>? Last => _last;

    public void Publish(IReadOnlyList<UpstreamProbeResult> results) => _last = results;

    private IEnumerable<Measurement<int>> Observe() =>
        _last?.Select(r => new Measurement<int>(r.IsUp ? 1 : 0, new KeyValuePair<string, object?>(MetricTags.Upstream, r.Upstream))) ?? [];
}
