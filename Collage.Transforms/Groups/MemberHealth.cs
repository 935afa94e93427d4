using System.Collections.Concurrent;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Mounts;
using Polly;
using Polly.CircuitBreaker;

namespace Collage.Transforms.Groups;

/// <summary>
/// One circuit breaker per group member's upstream (Polly v8's: closed, open for the break duration, then half-open
/// with one probe request), shared by every group that has the upstream: a registry that is down is down for all of
/// them. A request to a member goes through its breaker; an open breaker makes the group skip the member at once.
/// </summary>
internal sealed class MemberHealth(TimeProvider time, GroupLog log, CollageMetrics metrics)
{
    // By upstream and break duration (a reload that changes it gets new breakers); a tuple, so a request allocates no key.
    private readonly ConcurrentDictionary<(string Upstream, TimeSpan BreakDuration), MemberBreaker> _breakers = new();
    private int _observing;

    /// <summary>The breaker of <paramref name="upstream"/> under <paramref name="table"/>'s break duration.</summary>
    public MemberBreaker For(MountTable table, Upstream upstream)
    {
        if (Interlocked.Exchange(ref _observing, 1) == 0)
        {
            metrics.Meter.CreateObservableGauge(
                "collage.upstream.breaker.state",
                () => _breakers.Values.Select(b => new System.Diagnostics.Metrics.Measurement<int>((int)b.State, new KeyValuePair<string, object?>(MetricTags.Upstream, b.Authority))),
                unit: "{state}",
                description: "The circuit breaker of each upstream that is a group member: 0 closed, 1 open, 2 half-open (one probe allowed), 3 isolated.");
        }

        var key = (upstream.Id, table.Http.BreakDuration);
        return _breakers.TryGetValue(key, out var breaker)
            ? breaker
            : _breakers.GetOrAdd(key, k => Build(upstream, k.BreakDuration));
    }

    /// <summary>Every breaker's upstream and state, for <c>/readyz</c>.</summary>
    public IReadOnlyList<(string Upstream, CircuitState State)> States() =>
        _breakers.Values.GroupBy(b => b.Authority).Select(g => (g.Key, g.Last().State)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();

    // Two Polly breakers, because the two kinds of failure call for different sensitivity. No answer at all (refused,
    // reset, no headers in time) opens at once: a member that hangs would otherwise cost every request the
    // response-header timeout until a ratio built up. An error answer (5xx) opens when it is half of at least two calls
    // in 30 s: one 503 from a busy registry is no reason to skip it. A 429 is the rate-limit back-off's (MemberOutcome).
    private MemberBreaker Build(Upstream upstream, TimeSpan breakDuration)
    {
        var noAnswer = new CircuitBreakerStateProvider();
        var errors = new CircuitBreakerStateProvider();
        return new MemberBreaker(
            upstream.Authority,
            // Ratio 0: any failure opens it once Polly judges at all (two calls), however many answers came before; a
            // small ratio such as 1 % would let a busy member (over 200 calls in the window) hang request after request.
            Pipeline(upstream, breakDuration, noAnswer, MemberOutcome.IsNoAnswer, failureRatio: 0),
            noAnswer,
            Pipeline(upstream, breakDuration, errors, static outcome => MemberOutcome.IsErrorAnswer(outcome), failureRatio: 0.5),
            errors);
    }

    private ResiliencePipeline<HttpResponseMessage> Pipeline(
        Upstream upstream, TimeSpan breakDuration, CircuitBreakerStateProvider state, Func<Outcome<HttpResponseMessage>, bool> isFailure, double failureRatio) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                // Polly needs at least two calls in the window before it judges; see MemberBreaker for the first call.
                FailureRatio = failureRatio,
                MinimumThroughput = 2,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = breakDuration,
                StateProvider = state,
                ShouldHandle = args => ValueTask.FromResult(isFailure(args.Outcome)),
                OnOpened = args =>
                {
                    log.Opened(upstream.Authority, breakDuration, MemberOutcome.Describe(args.Outcome));
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    log.HalfOpened(upstream.Authority);
                    return default;
                },
                OnClosed = _ =>
                {
                    log.Closed(upstream.Authority);
                    return default;
                },
            })
            .Build();
}
