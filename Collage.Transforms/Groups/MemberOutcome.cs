using Polly;

namespace Collage.Transforms.Groups;

/// <summary>
/// What counts as a member failing, the one place the rule is written: no answer (refused, reset, TLS failure, the
/// response-header timeout) or an answer that is the registry failing (5xx, 429). A 404 is an answer about content,
/// and a client that went away says nothing about the member.
/// </summary>
internal static class MemberOutcome
{
    /// <summary>Whether the attempt ended without an answer (refused, reset, TLS failure, no headers in time).</summary>
    public static bool IsNoAnswer(Outcome<HttpResponseMessage> outcome) => outcome.Exception is { } ex && IsNoAnswer(ex);

    /// <summary>Whether the member answered with the registry failing (5xx, 429).</summary>
    public static bool IsErrorAnswer(Outcome<HttpResponseMessage> outcome) => outcome.Exception is null && IsFailureStatus((int)outcome.Result!.StatusCode);

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
