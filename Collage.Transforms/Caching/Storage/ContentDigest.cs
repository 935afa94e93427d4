namespace Collage.Transforms.Caching.Storage;

/// <summary>
/// The digests the cache stores content under: <c>sha256</c> only (OCI image spec, "Digests": the algorithm every
/// registry must support). Content named by another algorithm is streamed, never cached.
/// </summary>
internal static class ContentDigest
{
    private const string Prefix = "sha256:";

    /// <summary>The lower-case hex of a <c>sha256:</c> digest, or false for any other reference.</summary>
    public static bool TryGetSha256(string? reference, out string hex)
    {
        hex = string.Empty;
        if (reference is null || reference.Length != Prefix.Length + 64 || !reference.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var candidate = reference[Prefix.Length..];
        foreach (var c in candidate)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        hex = candidate;
        return true;
    }

    /// <summary>Whether <paramref name="name"/> is a bare 64-character lower-case hex name, as stored files are.</summary>
    public static bool IsHex(ReadOnlySpan<char> name) =>
        name.Length == 64 && !name.ContainsAnyExcept("0123456789abcdef");

    /// <summary>The digest string of <paramref name="hex"/>.</summary>
    public static string Of(string hex) => Prefix + hex;
}
