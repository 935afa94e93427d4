using Polly;
using Polly.CircuitBreaker;

namespace Collage.Transforms.Groups;

/// <summary>One group member's circuit breaker and the way a request goes through it.</summary>
internal sealed class MemberBreaker(string authority, TimeProvider time)
{
    private ResiliencePipeline<HttpResponseMessage> _pipeline = null!;
    private CircuitBreakerStateProvider _state = null!;
    private long _openUntilTicks;

    /// <summary>The upstream's <c>host[:port]</c>.</summary>
    public string Authority { get; } = authority;

    /// <summary>The breaker's state now.</summary>
    public CircuitState State => _state.CircuitState;

    /// <summary>
    /// Whether the member is skipped without a request: isolated, or open and within its break duration. Polly moves
    /// an open breaker to half-open only when a call reaches it after the break duration, so once that is over the
    /// next request must go through the pipeline (it becomes the one probe; a request that finds the probe in flight
    /// gets a <see cref="BrokenCircuitException"/> and skips the member).
    /// </summary>
    public bool IsOpen => _state.CircuitState switch
    {
        CircuitState.Isolated => true,
        CircuitState.Open => time.GetUtcNow().UtcTicks < Interlocked.Read(ref _openUntilTicks),
        _ => false,
    };

    /// <summary>Gives the breaker its pipeline and state (built after it, since the pipeline's callbacks call it).</summary>
    public MemberBreaker Attach(ResiliencePipeline<HttpResponseMessage> pipeline, CircuitBreakerStateProvider state)
    {
        _pipeline = pipeline;
        _state = state;
        return this;
    }

    /// <summary>Called when the breaker opens: the member is skipped for <paramref name="breakDuration"/> from now.</summary>
    public void Opened(TimeSpan breakDuration)
    {
        var now = time.GetUtcNow();
        var until = breakDuration >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + breakDuration;
        Interlocked.Exchange(ref _openUntilTicks, until.UtcTicks);
    }

    /// <summary>
    /// Sends through the breaker. Throws <see cref="BrokenCircuitException"/> when the breaker lets no request through;
    /// otherwise the answer, or the exception the attempt ended with, after the breaker counted it.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(static async (send, token) => await send(token), send, cancellationToken);
        }
        catch (Exception ex) when (MemberOutcome.IsNoAnswer(ex))
        {
            // No answer at all weighs double (see MemberHealth): one more failure for the breaker's ratio.
            try
            {
                await _pipeline.ExecuteAsync(static (ex, _) => ValueTask.FromException<HttpResponseMessage>(ex), ex, CancellationToken.None);
            }
            catch (Exception)
            {
                // The count is what mattered (or the breaker is open already).
            }

            throw;
        }
    }
}
