namespace Collage.Transforms.Caching.Shared;

/// <summary>One object of the shared store, as a listing names it.</summary>
/// <param name="Hex">The sha256 hex of its content (its key's last segment).</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="Uploaded">When it was uploaded.</param>
internal sealed record SharedObjectInfo(string Hex, long Length, DateTimeOffset Uploaded);
