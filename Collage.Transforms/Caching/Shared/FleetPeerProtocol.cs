namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// How one replica streams a blob from another's fetch in flight: <c>GET /_collage/fleet/blobs/&lt;hex&gt;</c> with
/// the fleet's key (<see cref="Fleet.IFleetCoordinator.GetPeerKeyAsync"/>) in <see cref="KeyHeader"/>. Outside
/// <c>/v2/</c>: not a registry request, never forwarded, never access-logged as one.
/// </summary>
internal static class FleetPeerProtocol
{
    /// <summary>The path prefix of the endpoint.</summary>
    public const string PathPrefix = "/_collage/fleet/blobs/";

    /// <summary>The route of the endpoint.</summary>
    public const string Route = PathPrefix + "{hex}";

    /// <summary>The request header that carries the fleet's key.</summary>
    public const string KeyHeader = "X-Collage-Fleet-Key";

    /// <summary>The URL of <paramref name="hex"/> on the replica at <paramref name="holder"/>.</summary>
    public static Uri UrlOf(Uri holder, string hex) => new(holder, PathPrefix + hex);
}
