using System.Globalization;

namespace Collage.Transforms.RateLimits;

/// <summary>
/// One value of Docker Hub's <c>ratelimit-limit</c> or <c>ratelimit-remaining</c> response header: a request count and
/// the window it applies to, written <c>100;w=21600</c> (100 pulls per 21600 s, Docker Hub "Pull usage and limits",
/// the format of the IETF httpapi RateLimit header drafts up to -03).
/// </summary>
/// <param name="Value">The leading number: the limit, or the requests left.</param>
/// <param name="WindowSeconds">The <c>w=</c> parameter in seconds, when given.</param>
internal readonly record struct RateLimitQuota(long Value, long? WindowSeconds)
{
    /// <summary>The header with the window's limit.</summary>
    public const string LimitHeader = "ratelimit-limit";

    /// <summary>The header with what is left of the window's limit.</summary>
    public const string RemainingHeader = "ratelimit-remaining";

    /// <summary>
    /// Reads <c>N</c>, <c>N;w=S</c> or a list whose first item is one of those (<c>100, 100;w=21600</c>, as the
    /// drafts allowed); anything else, a negative number or a number over <see cref="long.MaxValue"/> is no quota.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> value, out RateLimitQuota quota)
    {
        quota = default;
        var item = value;
        if (item.IndexOf(',') is var comma and >= 0)
        {
            item = item[..comma];
        }

        var semicolon = item.IndexOf(';');
        var number = (semicolon >= 0 ? item[..semicolon] : item).Trim();
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return false;
        }

        long? window = null;
        var parameters = semicolon >= 0 ? item[(semicolon + 1)..] : [];
        foreach (var range in parameters.Split(';'))
        {
            var parameter = parameters[range].Trim();
            if (parameter.StartsWith("w=", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(parameter[2..], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                window = seconds;
            }
        }

        quota = new RateLimitQuota(count, window);
        return true;
    }

    /// <summary>The quota in <paramref name="response"/>'s header <paramref name="name"/>, when it carries a usable one.</summary>
    public static RateLimitQuota? Read(HttpResponseMessage response, string name)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Headers.NonValidated.TryGetValues(name, out var values))
        {
            // The first value only: Docker Hub sends one, and a second would be another window's.
            foreach (var value in values)
            {
                return TryParse(value, out var quota) ? quota : null;
            }
        }

        return null;
    }
}
