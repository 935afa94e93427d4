using System.Diagnostics;
using Collage.Transforms.Mounts;
using Collage.Transforms.Registry;

namespace Collage.Transforms.Diagnostics;

/// <summary>
/// The upstream-side instruments of <see cref="CollageMetrics"/> bound to one upstream: the <c>upstream</c>
/// tag is built once here, and every record builds its <see cref="TagList"/> on the stack.
/// </summary>
internal sealed class UpstreamTelemetry
{
    private readonly CollageMetrics _metrics;
    private readonly KeyValuePair<string, object?> _upstream;

    public UpstreamTelemetry(CollageMetrics metrics, Upstream upstream)
    {
        _metrics = metrics;
        _upstream = new(MetricTags.Upstream, upstream.Authority);
    }

    /// <summary>One upstream exchange until its headers: <paramref name="status"/> 0 when it failed without an answer.</summary>
    public void RecordExchange(string kind, int status, TimeSpan elapsed)
    {
        if (!_metrics.UpstreamDuration.Enabled)
        {
            return;
        }

        var tags = new TagList { _upstream, { MetricTags.Kind, kind }, { MetricTags.Status, MetricTags.StatusValue(status) } };
        _metrics.UpstreamDuration.Record(elapsed.TotalSeconds, in tags);
    }

    /// <summary>A token fetch from the upstream's token server; the token's value is never recorded.</summary>
    public void TokenFetched(bool succeeded, TimeSpan elapsed)
    {
        var tags = new TagList { _upstream, { MetricTags.Outcome, succeeded ? MetricTags.Success : MetricTags.Failure } };
        _metrics.TokenFetches.Add(1, in tags);
        RecordExchange(MetricTags.TokenKind, succeeded ? 200 : 0, elapsed);
    }

    public void TokenCacheHit() => _metrics.TokenCacheHits.Add(1, _upstream);

    /// <summary>A redirect hop; its target is not recorded, only whether it left the origin (a CDN).</summary>
    public void RedirectFollowed(bool crossOrigin) =>
        _metrics.RedirectsFollowed.Add(1, _upstream, new KeyValuePair<string, object?>(MetricTags.CrossOrigin, crossOrigin ? MetricTags.True : MetricTags.False));

    /// <summary>
    /// The rate limit an upstream answer reported (Docker Hub's <c>ratelimit-limit</c> and <c>ratelimit-remaining</c>):
    /// each value given replaces the gauge's last one; a value not given leaves it as it was.
    /// </summary>
    public void RateLimitReported(long? limit, long? remaining, long? windowSeconds)
    {
        if (limit is { } l)
        {
            _metrics.RateLimitLimit.Record(l, _upstream);
        }

        if (remaining is { } r)
        {
            _metrics.RateLimitRemaining.Record(r, _upstream);
        }

        if (windowSeconds is { } w)
        {
            _metrics.RateLimitWindow.Record(w, _upstream);
        }
    }
}
