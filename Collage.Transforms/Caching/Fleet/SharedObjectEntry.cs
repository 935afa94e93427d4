namespace Collage.Transforms.Caching.Fleet;

/// <summary>An object of the shared store as the fleet's list records it, for eviction.</summary>
/// <param name="Hex">The sha256 hex of its content.</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="LastRead">When a replica last read (or stored) it.</param>
internal sealed record SharedObjectEntry(string Hex, long Length, DateTimeOffset LastRead);
