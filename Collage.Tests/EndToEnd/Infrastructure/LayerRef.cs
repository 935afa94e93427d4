namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>A layer written by <see cref="OciImageLayout"/>.</summary>
/// <param name="Digest">The digest of the gzip'ed blob (what registries store and serve).</param>
/// <param name="Size">The size of the gzip'ed blob in bytes.</param>
/// <param name="DiffId">The digest of the uncompressed tar (the config's <c>rootfs.diff_ids</c> entry).</param>
/// <param name="ContentSize">The size of the one file inside the tar.</param>
internal sealed record LayerRef(string Digest, long Size, string DiffId, int ContentSize);
