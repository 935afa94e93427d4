using Polly;
using Polly.CircuitBreaker;

namespace Collage.Transforms.Groups;

/// <summary>One group member's circuit breaker and the way a request goes through it.</summary>
internal sealed class MemberBreaker(string authority, ResiliencePipeline<HttpResponseMessage> pipeline, CircuitBreakerStateProvider state)
{
    /// <summary>The upstream's <c>host[:port]</c>.</summary>
    public string Authority { get; } = authority;

    /// <summary>The breaker's state now.</summary>
    public CircuitState State => state.CircuitState;

    /// <summary>Whether the member is skipped without a request (open, or half-open with its one probe in flight).</summary>
    public bool IsOpen => state.CircuitState is CircuitState.Open or CircuitState.Isolated;

    /// <summary>
    /// Sends through the breaker. Throws <see cref="BrokenCircuitException"/> when the breaker lets no request through;
    /// otherwise the answer, or the exception the attempt ended with, after the breaker counted it.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(static async (send, token) => await send(token), send, cancellationToken);
        }
        catch (Exception ex) when (MemberOutcome.IsNoAnswer(ex))
        {
            // No answer at all weighs double (see MemberHealth): one more failure for the breaker's ratio.
            try
            {
                await pipeline.ExecuteAsync(static (ex, _) => ValueTask.FromException<HttpResponseMessage>(ex), ex, CancellationToken.None);
            }
            catch (Exception)
            {
                // The count is what mattered (or the breaker is open already).
            }

            throw;
        }
    }
}
