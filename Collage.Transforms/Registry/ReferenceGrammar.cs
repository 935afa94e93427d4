using System.Text.RegularExpressions;

namespace Collage.Transforms.Registry;

/// <summary>
/// The grammars of the OCI distribution spec 1.1 ("Pulling manifests"): repository names, tags and digests.
/// </summary>
internal static partial class ReferenceGrammar
{
    /// <summary>The spec caps a name (with the registry host) at 255 characters; without it we keep the same cap.</summary>
    public const int MaxNameLength = 255;

    // <name>: path components separated by '/', each [a-z0-9]+ joined by '.', '_', '__' or '-'+.
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();

    // <reference> as a tag: at most 128 characters.
    [GeneratedRegex(@"^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagRegex();

    // <digest>: algorithm ":" encoded (OCI image spec, "Digests").
    [GeneratedRegex(@"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestRegex();

    [GeneratedRegex(@"^sha256:[a-f0-9]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Regex();

    [GeneratedRegex(@"^sha512:[a-f0-9]{128}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha512Regex();

    public static bool IsValidName(ReadOnlySpan<char> name) =>
        name.Length is > 0 and <= MaxNameLength && NameRegex().IsMatch(name);

    public static bool IsValidTag(ReadOnlySpan<char> tag) => TagRegex().IsMatch(tag);

    /// <summary>A digest of a registered algorithm must also have that algorithm's encoded form.</summary>
    public static bool IsValidDigest(ReadOnlySpan<char> digest)
    {
        if (digest.Length > 200 || !DigestRegex().IsMatch(digest))
        {
            return false;
        }

        if (digest.StartsWith("sha256:", StringComparison.Ordinal))
        {
            return Sha256Regex().IsMatch(digest);
        }

        if (digest.StartsWith("sha512:", StringComparison.Ordinal))
        {
            return Sha512Regex().IsMatch(digest);
        }

        return true;
    }

    public static bool IsValidReference(ReadOnlySpan<char> reference) =>
        reference.Contains(':') ? IsValidDigest(reference) : IsValidTag(reference);
}
