using System.Net.Http.Headers;
using HeaderUtilities = Microsoft.Net.Http.Headers.HeaderUtilities;
using NameValueHeaderValue = Microsoft.Net.Http.Headers.NameValueHeaderValue;

namespace Collage.Transforms.Authentication;

/// <summary>
/// Reads the challenges of every <c>WWW-Authenticate</c> header of a response (RFC 7235 section 4.1).
/// </summary>
/// <remarks>
/// Splitting challenges is left to <see cref="HttpResponseHeaders.WwwAuthenticate"/>, which handles
/// several challenges in one header, several headers, and commas inside quoted strings. The
/// auth-params are then parsed with <see cref="NameValueHeaderValue.TryParseStrictList"/>: the
/// lenient <c>TryParseList</c> silently skips what it cannot read (<c>realm=https://a/t</c> turns
/// into a parameter named <c>t</c>), and a misread realm is worse than none. Values are unquoted with
/// <see cref="HeaderUtilities.UnescapeAsQuotedString"/>, as <c>RemoveQuotes</c> keeps <c>\"</c> escapes.
/// </remarks>
internal static class AuthenticationChallengeParser
{
    /// <summary>
    /// Returns the challenges in the order sent. A header value that is not valid HTTP is skipped
    /// whole (System.Net.Http's own rule); a challenge whose parameters are malformed or repeated is
    /// kept with no parameters, so that its scheme is still known but nothing is guessed from it.
    /// </summary>
    public static IReadOnlyList<AuthenticationChallenge> Parse(HttpResponseHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);

        var values = headers.WwwAuthenticate;
        if (values.Count == 0)
        {
            return [];
        }

        var challenges = new List<AuthenticationChallenge>(values.Count);
        foreach (var value in values)
        {
            challenges.Add(Parse(value));
        }

        return challenges;
    }

    public static AuthenticationChallenge Parse(AuthenticationHeaderValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new AuthenticationChallenge(value.Scheme, ParseParameters(value.Parameter));
    }

    private static Dictionary<string, string>? ParseParameters(string? parameter)
    {
        if (string.IsNullOrWhiteSpace(parameter)
            || !NameValueHeaderValue.TryParseStrictList([parameter], out var list))
        {
            return null;
        }

        var parameters = new Dictionary<string, string>(list.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var pair in list)
        {
            // A token68 (e.g. "Basic abc==") reads as a name with an empty value or none.
            // RFC 7235 section 2.1: each parameter name MUST only occur once per challenge;
            // when it does not, the challenge is ambiguous and nothing is taken from it.
            if (pair.Value.Length == 0 || !parameters.TryAdd(pair.Name.ToString(), HeaderUtilities.UnescapeAsQuotedString(pair.Value).ToString()))
            {
                return null;
            }
        }

        return parameters;
    }
}
