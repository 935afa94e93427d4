namespace Collage.Transforms.Referrers;

/// <summary>
/// The referrers tag schema (distribution spec 1.1, "Referrers Tag Schema"): a registry without the referrers API
/// keeps the referrers of a subject in an image index tagged <c>&lt;alg&gt;-&lt;ref&gt;</c>, the subject's digest with
/// <c>:</c> replaced by <c>-</c>, the algorithm truncated to 32 characters and the encoded part to 64.
/// </summary>
internal static class ReferrersTag
{
    private const int MaxAlgorithm = 32;
    private const int MaxEncoded = 64;

    /// <summary>The fallback tag of <paramref name="digest"/> (a digest the front door has already validated).</summary>
    public static string For(string digest)
    {
        var colon = digest.IndexOf(':');
        var algorithm = digest[..colon];
        var encoded = digest[(colon + 1)..];
        return $"{Truncate(algorithm, MaxAlgorithm)}-{Truncate(encoded, MaxEncoded)}";
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
