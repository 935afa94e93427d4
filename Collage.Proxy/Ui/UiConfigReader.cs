using System.Text.RegularExpressions;
using Collage.Proxy.Configuration;
using Collage.Proxy.Observability;
using Collage.Transforms.Configuration;

namespace Collage.Proxy.Ui;

/// <summary>Reads <see cref="UiOptions"/>, refusing unknown keys and a path that would shadow the registry API.</summary>
internal static partial class UiConfigReader
{
    /// <summary>The key of the section under <c>Collage</c>.</summary>
    public const string SectionKey = "Ui";

    private static readonly string[] Keys = [nameof(UiOptions.Enabled), nameof(UiOptions.Path)];

    // Paths Collage answers itself: the page must not take them over.
    private static readonly string[] Reserved =
        ["/v2", "/_collage", ObservabilityEndpoints.MetricsPath, ObservabilityEndpoints.HealthPath, ObservabilityEndpoints.ReadyPath];

    /// <summary>Reads <c>Collage:Ui</c>, with the documented defaults of <see cref="UiOptions"/> for what it does not set.</summary>
    public static UiOptions Read(IConfiguration configuration)
    {
        var section = ConfigSection.Of(configuration, UiOptions.SectionName).RefuseUnknownKeys(Keys);
        var defaults = new UiOptions();
        var path = section[nameof(UiOptions.Path)] ?? defaults.Path;
        if (!PathGrammar().IsMatch(path))
        {
            throw new CollageConfigException(
                section.KeyPath(nameof(UiOptions.Path)),
                $"'{path}' is not a page path. Write one or more segments of letters, digits, '-', '_' or '.', starting with '/' and without a trailing slash, such as /ui.");
        }

        if (Reserved.FirstOrDefault(r => path.Equals(r, StringComparison.OrdinalIgnoreCase) || path.StartsWith(r + "/", StringComparison.OrdinalIgnoreCase)) is { } taken)
        {
            throw new CollageConfigException(
                section.KeyPath(nameof(UiOptions.Path)),
                $"'{path}' is Collage's own ({taken}). Choose another path, such as /ui.");
        }

        return new UiOptions
        {
            Enabled = section.Switch(nameof(UiOptions.Enabled), defaults.Enabled),
            Path = path,
        };
    }

    [GeneratedRegex(@"^(/[A-Za-z0-9._-]+)+$")]
    private static partial Regex PathGrammar();
}
