using System.Text.RegularExpressions;

namespace Collage.Tests.Deployment;

/// <summary>
/// The metric names a PromQL expression (or a Grafana variable query) selects: what is left once string literals,
/// label matchers, range selectors, <c>by</c>/<c>on</c>/... label lists, Grafana variables and numbers are removed,
/// minus every identifier that calls (a function: followed by <c>(</c>) and the operators that are words.
/// </summary>
internal static partial class PromQlMetricNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "inf", "nan",
    };

    /// <summary>The histogram series suffixes (Prometheus exposition formats, "Histogram").</summary>
    private static readonly string[] HistogramSuffixes = ["_bucket", "_count", "_sum"];

    /// <summary>Every metric name <paramref name="expression"/> reads, in order of appearance, each once.</summary>
    public static IReadOnlyList<string> Of(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);

        // Grafana's label_values(metric, label) names its metric as an argument, not as a selector.
        var text = LabelValues().Replace(expression, "$1");
        text = Strings().Replace(text, " ");
        text = Matchers().Replace(text, " ");
        text = Ranges().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        text = Variables().Replace(text, " ");
        return Identifiers().Matches(text)
            .Select(m => m.Value)
            .Where(name => !Keywords.Contains(name.ToLowerInvariant()))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// The name a series of <paramref name="name"/> belongs to: a histogram's <c>_bucket</c>, <c>_count</c> or
    /// <c>_sum</c> series to the histogram, with whether the suffix was stripped.
    /// </summary>
    public static (string Family, bool Histogram) FamilyOf(string name)
    {
        foreach (var suffix in HistogramSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return (name[..^suffix.Length], true);
            }
        }

        return (name, false);
    }

    [GeneratedRegex(@"label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,[^)]*\)")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'|`[^`]*`")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\$\{[^}]*\}|\$[a-zA-Z_][a-zA-Z0-9_]*")]
    private static partial Regex Variables();

    // An identifier not inside a number (0.95, 1e3) and not followed by "(" (a function call).
    [GeneratedRegex(@"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()")]
    private static partial Regex Identifiers();
}
