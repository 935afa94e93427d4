using Polly;
using Polly.CircuitBreaker;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// The shared store's circuit breaker (Polly v8) around every request to it, and the one place its failures become
/// <see cref="SharedStoreUnavailableException"/>. While the circuit is open, calls fail at once instead of each
/// costing a connect attempt or the request timeout: the cache degrades to streaming from its upstreams.
/// </summary>
internal sealed class S3StoreBreaker
{
    // Half of at least four calls in 10 s: one failed request (a reset connection, a single 503) is no reason to stop
    // using the store, a store that is down fails every call and opens the circuit within a few requests. After 5 s one
    // probe goes through; an outage costs a replica one failed probe per 5 s.
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);

    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly S3StoreLog _log;

    /// <summary>Builds the breaker on <paramref name="time"/>'s clock.</summary>
    public S3StoreBreaker(TimeProvider time, S3StoreLog log)
    {
        _log = log;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 4,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = BreakDuration,
                StateProvider = _state,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex && S3Failures.IsStoreFailure(ex, args.Context.CancellationToken)),
                OnOpened = args =>
                {
                    _log.BreakerOpened(args.BreakDuration, args.Outcome.Exception is { } ex ? S3Failures.Describe(ex) : "failed");
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    _log.BreakerHalfOpened();
                    return default;
                },
                OnClosed = _ =>
                {
                    _log.BreakerClosed();
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Whether requests go to the store (closed, or half-open for a probe), for metrics and <c>/readyz</c>.</summary>
    public bool IsAvailable => _state.CircuitState is CircuitState.Closed or CircuitState.HalfOpen;

    /// <summary>
    /// Runs <paramref name="call"/> (one request) through the breaker. A store failure, or the open circuit, throws
    /// <see cref="SharedStoreUnavailableException"/> naming <paramref name="operation"/>; the caller's cancellation
    /// throws <see cref="OperationCanceledException"/>; anything else (a caller's bug) passes as it is.
    /// </summary>
    public async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (state, token) => await state(token).ConfigureAwait(false), call, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BrokenCircuitException || S3Failures.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable(operation, ex);
        }
    }

    /// <summary>
    /// The exception for a failed <paramref name="operation"/>, logged at debug. Deliberately without the inner
    /// exception: its message names the endpoint, and callers log what they catch.
    /// </summary>
    public SharedStoreUnavailableException Unavailable(string operation, Exception cause)
    {
        if (cause is SharedStoreUnavailableException already)
        {
            return already;
        }

        var kind = S3Failures.Describe(cause);
        _log.RequestFailed(operation, kind);
        return new SharedStoreUnavailableException($"The shared store's {operation} failed: {kind}.");
    }
}
