using System.Globalization;
using System.Text.RegularExpressions;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>One line of the registry's combined-format access log (which distribution writes to standard output).</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Target">The request target (path and query).</param>
/// <param name="Status">The response status code.</param>
/// <param name="UserAgent">The client's User-Agent.</param>
internal sealed partial record AccessLogEntry(string Method, string Target, int Status, string UserAgent)
{
    /// <summary>Parses every access log line in <paramref name="text"/>, skipping anything else.</summary>
    public static IReadOnlyList<AccessLogEntry> ParseAll(string text)
    {
        var entries = new List<AccessLogEntry>();
        foreach (var line in text.Split('\n'))
        {
            var match = LinePattern().Match(line);
            if (match.Success)
            {
                entries.Add(new AccessLogEntry(
                    match.Groups["method"].Value,
                    match.Groups["target"].Value,
                    int.Parse(match.Groups["status"].Value, CultureInfo.InvariantCulture),
                    match.Groups["agent"].Value));
            }
        }

        return entries;
    }

    // 127.0.0.1 - - [27/Nov/2026:23:16:34 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "curl/7.88.1"
    [GeneratedRegex("""^\S+ \S+ \S+ \[[^\]]*\] "(?<method>[A-Z]+) (?<target>\S+) [^"]*" (?<status>\d{3}) \S+ "[^"]*" "(?<agent>[^"]*)"\s*$""")]
    private static partial Regex LinePattern();
}
