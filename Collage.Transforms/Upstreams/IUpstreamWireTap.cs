namespace Collage.Transforms.Upstreams;

/// <summary>
/// A look at what upstream handler chains put on the wire. Collage registers none. When one is registered,
/// <see cref="UpstreamHandlerChain"/> puts it at one fixed place, right on the sockets below the redirect follower,
/// so it sees every request that leaves the gateway (upstream requests, token requests, each redirect hop) and may
/// set the sockets' connect callback: the functional tests use it to keep every connection on loopback and to
/// inject network faults.
/// </summary>
internal interface IUpstreamWireTap
{
    /// <summary>Returns what the redirect follower sends through: <paramref name="sockets"/> or a handler around it.</summary>
    HttpMessageHandler Attach(SocketsHttpHandler sockets);
}
