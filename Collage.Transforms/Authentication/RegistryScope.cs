using System.Text.RegularExpressions;

namespace Collage.Transforms.Authentication;

/// <summary>
/// The token scope a registry API path needs for reading (distribution token spec, "Requesting a
/// Token"; resource scope grammar in https://distribution.github.io/distribution/spec/auth/scope/).
/// </summary>
internal static partial class RegistryScope
{
    /// <summary>The scope to list the catalog.</summary>
    public const string Catalog = "registry:catalog:*";

    /// <summary>
    /// Returns <c>repository:NAME:pull</c> for <c>/v2/NAME/(manifests|blobs|tags|referrers)/X</c>,
    /// <see cref="Catalog"/> for <c>/v2/_catalog</c>, or null for any other path (the <c>/v2/</c>
    /// base, uploads), for which the upstream's challenge alone tells the scope.
    /// </summary>
    public static string? FromPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);

        if (string.Equals(path, "/v2/_catalog", StringComparison.Ordinal))
        {
            return Catalog;
        }

        var match = PullPath().Match(path);
        return match.Success ? $"repository:{match.Groups["name"].Value}:pull" : null;
    }

    /// <summary>Splits a challenge's <c>scope</c>, which may list several scopes separated by spaces.</summary>
    public static string[] Split(string scope) =>
        scope.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    // The name follows the distribution reference grammar (path components of lower-case
    // alphanumerics joined by ".", "_", "__" or dashes), so nothing else can slip into the scope;
    // the last segment is a tag, a digest, or "list".
    [GeneratedRegex(
        @"^/v2/(?<name>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)/(?:manifests|blobs|tags|referrers)/[^/]+$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex PullPath();
}
