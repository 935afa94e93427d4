using Polly;

namespace Collage.Transforms.Groups;

/// <summary>
/// What counts as a member failing, the one place the rule is written: no answer (refused, reset, TLS failure, the
/// response-header timeout) or an answer that is the registry failing (5xx, 429: the request goes to the next member;
/// the breaker counts 5xx only). A 404 is an answer about content, and a client that went away says nothing about
/// the member.
/// </summary>
internal static class MemberOutcome
{
    /// <summary>Whether the attempt ended without an answer (refused, reset, TLS failure, no headers in time).</summary>
    public static bool IsNoAnswer(Outcome<HttpResponseMessage> outcome) => outcome.Exception is { } ex && IsNoAnswer(ex);

    /// <summary>
    /// Whether the member answered with the registry failing, for its error breaker: 5xx. A 429 is left to the rate-limit
    /// back-off (<c>RateLimits/</c>), which keeps the member's own <c>Retry-After</c> and answers for it without a request
    /// meanwhile; counting it here too would skip the member longer than it asked and lose the <c>Retry-After</c>.
    /// </summary>
    public static bool IsErrorAnswer(Outcome<HttpResponseMessage> outcome) => outcome.Exception is null && (int)outcome.Result!.StatusCode >= 500;

    /// <summary>Whether a status is the registry failing: 5xx or 429 (the stale-if-error rule's statuses as well).</summary>
    public static bool IsFailureStatus(int status) => Caching.CachePolicy.IsUpstreamFailure(status);

    /// <summary>Whether an attempt ended without an answer from the member (as opposed to the client going away).</summary>
    public static bool IsNoAnswer(Exception ex) => ex is HttpRequestException or IOException or TimeoutException;

    /// <summary>For the log: what the failure was, without a URL.</summary>
    public static string Describe(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        TimeoutException => "no response headers within the response-header timeout",
        HttpRequestException { HttpRequestError: var error } => $"no answer ({error})",
        { } ex => $"no answer ({ex.GetType().Name})",
        null => $"status {(int)outcome.Result!.StatusCode}",
    };
}
