using System.Security.Cryptography;
using System.Text;
using Collage.Transforms.Caching;
using Collage.Transforms.Caching.Blobs;
using Collage.Transforms.Caching.Fleet;
using Collage.Transforms.Caching.Serving;
using Collage.Transforms.Caching.Shared;
using Collage.Transforms.Caching.Storage;

namespace Collage.Proxy.Caching;

/// <summary>
/// The holder's side of <see cref="FleetPeerProtocol"/>: another replica of the fleet, following this one's fetch
/// lease, streams the blob from this replica's fetch in flight (the spool as it grows, the last byte only after the
/// digest matched), or from its stored copy when the fetch just finished. Answers only a request that carries the
/// fleet's key, and a bare 404 to anything else: the endpoint serves by digest, past the grants that guard
/// <c>/v2/</c>, so only replicas may call it.
/// </summary>
internal static class FleetPeerEndpoint
{
    /// <summary>Answers <c>GET /_collage/fleet/blobs/{hex}</c>.</summary>
    public static async Task HandleAsync(HttpContext context, string hex)
    {
        var cache = context.RequestServices.GetRequiredService<PullThroughCache>();
        if (cache.Shared?.Fleet is not { } fleet || !ContentDigest.IsHex(hex) || !await HasFleetKeyAsync(context, fleet))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (cache.Fills.FindAny(hex) is { } fill && await TryStreamAsync(context, fill))
        {
            return;
        }

        if (cache.Index.TryPin(hex) is { } content)
        {
            try
            {
                using var file = cache.Store.TryOpen(hex, content.Size);
                if (file is not null)
                {
                    if (ContentResponder.WriteHead(context, hex, content.Size, "application/octet-stream", CacheOutcome.Hit) is { } range)
                    {
                        await ContentResponder.CopyFileAsync(context, file, range);
                    }

                    return;
                }
            }
            finally
            {
                content.Unpin();
            }
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    private static async Task<bool> TryStreamAsync(HttpContext context, BlobFill fill)
    {
        var head = await fill.Head.WaitAsync(context.RequestAborted);
        if (head is not FillHead.Streaming { Length: { } length } || fill.Spool is not { } spool || !spool.TryAddReference())
        {
            return false;
        }

        try
        {
            if (ContentResponder.WriteHead(context, fill.Hex, length, "application/octet-stream", CacheOutcome.Coalesced) is { } range)
            {
                await ContentResponder.CopyFillAsync(context, fill, spool, range);
            }

            return true;
        }
        finally
        {
            spool.Release();
        }
    }

    private static async Task<bool> HasFleetKeyAsync(HttpContext context, IFleetCoordinator fleet)
    {
        var presented = context.Request.Headers[FleetPeerProtocol.KeyHeader].ToString();
        if (presented.Length == 0)
        {
            return false;
        }

        try
        {
            var key = await fleet.GetPeerKeyAsync(context.RequestAborted);
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(key));
        }
        catch (FleetUnavailableException)
        {
            return false;
        }
    }
}
