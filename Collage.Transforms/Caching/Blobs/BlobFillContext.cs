using Collage.Transforms.Caching.Storage;

namespace Collage.Transforms.Caching.Blobs;

/// <summary>What a <see cref="BlobFill"/> needs to run: how to ask the upstream, and where to put the bytes.</summary>
/// <param name="Send">Sends the upstream GET through the upstream's client and handler chain (tokens, redirects, TLS).</param>
/// <param name="Upstream">The upstream's authority, for the log.</param>
/// <param name="ActivityTimeout">How long the upstream may stay silent, for the headers and between reads.</param>
/// <param name="Stopping">Cancelled when Collage stops.</param>
/// <param name="Store">The content store.</param>
/// <param name="Index">The index.</param>
/// <param name="Metrics">The cache's instruments.</param>
/// <param name="Log">The cache's log.</param>
/// <param name="Shared">The fleet's shared store and coordination, or null when this replica caches alone.</param>
internal sealed record BlobFillContext(
    Func<CancellationToken, Task<HttpResponseMessage>> Send,
    string Upstream,
    TimeSpan ActivityTimeout,
    CancellationToken Stopping,
    ContentStore Store,
    CacheIndex Index,
    CacheMetrics Metrics,
    CacheLog Log,
    SharedFillContext? Shared = null);
