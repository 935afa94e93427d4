namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// The object keys of the shared store: <c>&lt;prefix&gt;blobs/sha256/&lt;hex&gt;</c>, the digest's 64 lower-case hex
/// digits last so that a listing yields the digest without a lookup.
/// </summary>
internal sealed class S3ObjectKeys(string prefix)
{
    private const int HexLength = 64;

    /// <summary>The prefix every blob's key starts with, which a listing asks for.</summary>
    public string BlobPrefix { get; } = prefix + "blobs/sha256/";

    /// <summary>The key of the object of <paramref name="hex"/>.</summary>
    /// <exception cref="ArgumentException">When <paramref name="hex"/> is not 64 lower-case hex digits.</exception>
    public string Of(string hex)
    {
        if (!IsHex(hex))
        {
            // A caller bug, never the store's: a key outside the layout could overwrite anything under the prefix.
            throw new ArgumentException("Expected 64 lower-case hex digits of a sha256 digest.", nameof(hex));
        }

        return BlobPrefix + hex;
    }

    /// <summary>The digest hex a listed key names, or null for a key that is not a blob of the layout.</summary>
    public string? HexOf(string key)
    {
        if (!key.StartsWith(BlobPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var hex = key[BlobPrefix.Length..];
        return IsHex(hex) ? hex : null;
    }

    private static bool IsHex(string value) =>
        value.Length == HexLength && value.AsSpan().ContainsAnyExcept("0123456789abcdef") is false;
}
