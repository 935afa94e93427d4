namespace Collage.Proxy.Health;

/// <summary>
/// The last round of upstream probes, swapped whole, so <c>/readyz</c> reads cached results and never waits
/// for an upstream.
/// </summary>
internal sealed class UpstreamHealth
{
    private volatile IReadOnlyList<UpstreamProbeResult>? _last;

    /// <summary>The results of the last complete round; null before the first one.</summary>
    public IReadOnlyList<UpstreamProbeResult>? Last => _last;

    public void Publish(IReadOnlyList<UpstreamProbeResult> results) => _last = results;
}
