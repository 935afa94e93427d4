namespace Collage.Tests.Deployment;

/// <summary>Which metric names a Prometheus text exposition holds.</summary>
internal static class ExportedMetrics
{
    /// <summary>
    /// The names of <paramref name="queried"/> that <paramref name="exposition"/> has no sample of: a plain name needs a
    /// sample of that name; a histogram's <c>_bucket</c>/<c>_count</c>/<c>_sum</c> needs the family declared a
    /// histogram (<c># TYPE name histogram</c>) and a <c>_bucket</c> sample.
    /// </summary>
    public static IReadOnlyList<string> Missing(string exposition, IEnumerable<string> queried)
    {
        var lines = exposition.Split('\n');
        var samples = lines
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line.IndexOfAny(['{', ' ']) is var end and > 0 ? line[..end] : line)
            .ToHashSet(StringComparer.Ordinal);
        var histograms = lines
            .Where(line => line.StartsWith("# TYPE ", StringComparison.Ordinal) && line.EndsWith(" histogram", StringComparison.Ordinal))
            .Select(line => line["# TYPE ".Length..^" histogram".Length])
            .ToHashSet(StringComparer.Ordinal);
        return queried.Where(name =>
            {
                var (family, histogram) = PromQlMetricNames.FamilyOf(name);
                return histogram
                    ? !(histograms.Contains(family) && samples.Contains(family + "_bucket"))
                    : !samples.Contains(name);
            })
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}
