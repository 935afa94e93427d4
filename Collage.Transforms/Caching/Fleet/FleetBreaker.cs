using Polly;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace Collage.Transforms.Caching.Fleet;

/// <summary>
/// The circuit breaker every Redis operation of the fleet goes through (Polly v8), so that a Redis that is down costs
/// a request nothing once a few calls have failed: the breaker opens when half of at least 4 calls in 10 s failed, and
/// then refuses calls at once for 5 s before it lets one probe through. It logs once when an outage begins and once
/// when it ends, however many probes fail in between. Its failures, and its refusals, come out as
/// <see cref="FleetUnavailableException"/> naming the operation and the kind of failure only (StackExchange.Redis's
/// messages name the endpoint).
/// </summary>
internal sealed class FleetBreaker
{
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();
    private int _down;

    /// <summary>Builds the breaker on <paramref name="time"/>, logging its state changes to <paramref name="log"/>.</summary>
    public FleetBreaker(TimeProvider time, FleetLog log)
    {
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 4,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = TimeSpan.FromSeconds(5),
                StateProvider = _state,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsRedisFailure(e)),
                OnOpened = args =>
                {
                    // Once per outage: a failed probe opens it again every break duration, which is no news.
                    if (Interlocked.Exchange(ref _down, 1) == 0)
                    {
                        log.Unavailable(Describe(args.Outcome.Exception));
                    }

                    return default;
                },
                OnHalfOpened = _ =>
                {
                    log.HalfOpened();
                    return default;
                },
                OnClosed = _ =>
                {
                    if (Interlocked.Exchange(ref _down, 0) == 1)
                    {
                        log.Reachable();
                    }

                    return default;
                },
            })
            .Build();
    }

    /// <summary>The breaker's state: closed while Redis answers.</summary>
    public CircuitState State => _state.CircuitState;

    /// <summary>
    /// Runs <paramref name="operation"/> through the breaker. The caller's cancellation ends the wait (StackExchange.Redis
    /// commands take no token) and comes out as <see cref="OperationCanceledException"/>, not counted as a failure.
    /// </summary>
    public async Task<T> RunAsync<T>(string name, Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (operation, token) => await operation().WaitAsync(token).ConfigureAwait(false),
                operation,
                cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException)
        {
            throw new FleetUnavailableException($"Redis {name} not tried: the circuit is open after recent failures");
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            throw new FleetUnavailableException($"Redis {name} failed: {Describe(e)}");
        }
    }

    /// <summary>Whether <paramref name="e"/> means Redis could not be used (rather than a bug, or the caller cancelling).</summary>
    public static bool IsRedisFailure(Exception e) =>
        e is RedisException or TimeoutException or ObjectDisposedException;

    /// <summary>The kind of a failure, without the endpoint StackExchange.Redis writes into its messages.</summary>
    public static string Describe(Exception? e) => e switch
    {
        null => "no exception",
        RedisConnectionException c => $"connection: {c.FailureType}",
        RedisTimeoutException => "timed out",
        TimeoutException => "timed out",
        RedisServerException => "the server refused the command",
        ObjectDisposedException => "the connection was closed",
        _ => e.GetType().Name,
    };
}
