using System.Globalization;

namespace Collage.Tests.Functional.Observability;

/// <summary>Reads samples out of a Prometheus text exposition.</summary>
internal static class PrometheusText
{
    /// <summary>
    /// The value of every sample of <paramref name="metric"/> that carries all of <paramref name="labels"/>
    /// (other labels may be present).
    /// </summary>
    public static IReadOnlyList<double> Samples(string exposition, string metric, params (string Name, string Value)[] labels) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal))
            .Where(line => labels.All(label => line.Contains($"{label.Name}=\"{label.Value}\"", StringComparison.Ordinal)))
            .Select(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))
            .ToArray();
}
