using Polly;
using Polly.CircuitBreaker;

namespace Collage.Transforms.Groups;

/// <summary>
/// One group member's circuit breakers (one for no answer, one for error answers; see <see cref="MemberHealth"/>) and
/// the way a request goes through them.
/// </summary>
internal sealed class MemberBreaker(
    string authority,
    ResiliencePipeline<HttpResponseMessage> noAnswer,
    CircuitBreakerStateProvider noAnswerState,
    ResiliencePipeline<HttpResponseMessage> errors,
    CircuitBreakerStateProvider errorsState)
{
    /// <summary>The upstream's <c>host[:port]</c>.</summary>
    public string Authority { get; } = authority;

    /// <summary>
    /// The member's state: open when either breaker is, half-open while either probes, else closed. Polly moves an open
    /// breaker to half-open when a request comes after the break duration, so "open" lasts until the next request.
    /// </summary>
    public CircuitState State => (noAnswerState.CircuitState, errorsState.CircuitState) switch
    {
        (CircuitState.Open or CircuitState.Isolated, _) or (_, CircuitState.Open or CircuitState.Isolated) => CircuitState.Open,
        (CircuitState.HalfOpen, _) or (_, CircuitState.HalfOpen) => CircuitState.HalfOpen,
        _ => CircuitState.Closed,
    };

    /// <summary>
    /// Sends through both breakers. Throws <see cref="BrokenCircuitException"/> when one lets no request through
    /// (open, or half-open with its probe in flight); otherwise the answer, or the exception the attempt ended with.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        try
        {
            return await noAnswer.ExecuteAsync(
                static async (state, token) => await state.errors.ExecuteAsync(static async (send, token) => await send(token), state.send, token),
                (errors, send),
                cancellationToken);
        }
        catch (Exception ex) when (MemberOutcome.IsNoAnswer(ex))
        {
            // Polly judges only after two calls in its window: the first failure of an idle member is counted once
            // more, so that one request without an answer opens the breaker whenever it happens.
            try
            {
                await noAnswer.ExecuteAsync(static (ex, _) => ValueTask.FromException<HttpResponseMessage>(ex), ex, CancellationToken.None);
            }
            catch (Exception)
            {
                // The count is what mattered (or the breaker is open already).
            }

            throw;
        }
    }
}
