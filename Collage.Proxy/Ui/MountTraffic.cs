using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Collage.Transforms.Diagnostics;

namespace Collage.Proxy.Ui;

/// <summary>
/// Requests and bytes per mount since start, read off Collage's own metrics (<c>collage.requests</c> and
/// <c>collage.response.body.size</c>, the counters <c>/metrics</c> exports) by a <see cref="MeterListener"/>, so the
/// mounts page and a Prometheus scrape count the same thing and the request path knows nothing of the page. The page's
/// own calls to <c>/v2/</c> count too: they are requests like any other.
/// </summary>
internal sealed class MountTraffic : IDisposable
{
    private readonly ConcurrentDictionary<(string Vhost, string Mount), MountTotals> _totals = new();
    private readonly MeterListener _listener = new();

    public MountTraffic(CollageMetrics metrics)
    {
        // Only this host's meter: tests run several hosts in one process, each with its own.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter)
                && (ReferenceEquals(instrument, metrics.Requests) || ReferenceEquals(instrument, metrics.ResponseBytes)))
            {
                listener.EnableMeasurementEvents(instrument, ReferenceEquals(instrument, metrics.Requests) ? MountTotals.RequestsField : MountTotals.BytesField);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>The requests and bytes of the mount labelled <paramref name="mount"/> in <paramref name="vhost"/>.</summary>
    public (long Requests, long Bytes) Of(string vhost, string mount) =>
        _totals.TryGetValue((vhost, mount), out var totals) ? (Volatile.Read(ref totals.Requests), Volatile.Read(ref totals.Bytes)) : (0, 0);

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? vhost = null, mount = null;
        foreach (var tag in tags)
        {
            if (tag.Key == MetricTags.Vhost)
            {
                vhost = tag.Value as string;
            }
            else if (tag.Key == MetricTags.Mount)
            {
                mount = tag.Value as string;
            }
        }

        if (vhost is null || mount is null)
        {
            return;
        }

        var totals = _totals.GetOrAdd((vhost, mount), static _ => new MountTotals());
        if (ReferenceEquals(state, MountTotals.RequestsField))
        {
            Interlocked.Add(ref totals.Requests, value);
        }
        else
        {
            Interlocked.Add(ref totals.Bytes, value);
        }
    }
}
