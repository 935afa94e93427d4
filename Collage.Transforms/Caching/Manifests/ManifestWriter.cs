using Collage.Transforms.Caching.Serving;
using Collage.Transforms.Caching.Storage;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Caching.Manifests;

/// <summary>
/// Keeps verified manifests in the store (through the spool and the same atomic rename as blobs), grants the
/// repository the manifest and every digest it names, and writes a manifest answer with the upstream's exact bytes,
/// media type and digest.
/// </summary>
internal sealed class ManifestWriter(PullThroughCache cache)
{
    /// <summary>
    /// Stores a manifest whose bytes were checked against <paramref name="hex"/>, for <paramref name="repository"/>.
    /// A store that fails (full, unwritable) is logged; the answer goes out regardless.
    /// </summary>
    public void Store(string hex, string mediaType, byte[] body, string repository)
    {
        cache.Index.Grant(hex, repository);
        foreach (var named in ManifestReferences.Collect(body))
        {
            cache.Index.Grant(named, repository);
        }

        if (cache.Index.TryPin(hex) is { } stored)
        {
            // The same bytes are there already (fetched as a blob, or under another tag).
            if (stored.ManifestMediaType is null)
            {
                cache.Index.SetManifestMediaType(stored, mediaType);
            }

            stored.Unpin();
            return;
        }

        if (!cache.Index.TryReserve(body.Length))
        {
            return;
        }

        SpoolFile? spool = null;
        try
        {
            spool = cache.Store.CreateSpool(hex, body.Length);
            RandomAccess.Write(spool.Handle, body, 0);
            cache.Store.Commit(spool, hex);
            cache.Index.Commit(hex, body.Length, mediaType, body.Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            cache.Index.Release(body.Length);
            cache.Log.StoreFailed(ex.Message);
        }
        finally
        {
            spool?.Release();
        }
    }

    /// <summary>The stored bytes of <paramref name="content"/>, or null when the file is gone.</summary>
    public async Task<byte[]?> ReadAsync(CachedContent content)
    {
        using var file = cache.Store.TryOpen(content.Hex);
        if (file is null || content.Size > ManifestUpstream.MaxManifestBytes)
        {
            return null;
        }

        var body = new byte[content.Size];
        var read = 0;
        while (read < body.Length)
        {
            var n = await RandomAccess.ReadAsync(file, body.AsMemory(read), read);
            if (n == 0)
            {
                return null;
            }

            read += n;
        }

        return body;
    }

    /// <summary>Writes a manifest answer (headers only for HEAD).</summary>
    public static async Task WriteAsync(HttpContext context, string hex, string mediaType, byte[] body, CacheOutcome outcome)
    {
        if (ContentResponder.WriteHead(context, hex, body.Length, mediaType, outcome) is { } range)
        {
            await context.Response.Body.WriteAsync(body.AsMemory((int)range.Start, (int)range.Length), context.RequestAborted);
        }
    }
}
