using System.Net;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Upstreams;

/// <summary>
/// Makes the <see cref="SocketsHttpHandler"/> at the bottom of an upstream's handler chain
/// (<see cref="UpstreamHandlerChain"/>): timeouts and pooling from <see cref="UpstreamHttpOptions"/>, TLS trust from
/// the upstream's <see cref="UpstreamOptions"/> through an <see cref="UpstreamCertificateValidator"/>.
/// </summary>
internal static class UpstreamSockets
{
    /// <summary>Creates the socket handler of the upstream <paramref name="authority"/>.</summary>
    /// <param name="http">The gateway's upstream HTTP settings.</param>
    /// <param name="authority">The upstream's <c>host[:port]</c>, for log messages.</param>
    /// <param name="options">The upstream's TLS options.</param>
    /// <param name="logger">The logger of the certificate validation.</param>
    /// <exception cref="InvalidOperationException">
    /// <see cref="UpstreamOptions.CaFile"/> is missing, unreadable or holds no certificate.
    /// </exception>
    public static SocketsHttpHandler Create(
        UpstreamHttpOptions http, string authority, UpstreamOptions options, ILogger<UpstreamCertificateValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(http);

        // First: it reads the CA files, so a bad one throws before there is a handler to dispose.
        var trust = new UpstreamCertificateValidator(authority, options, logger);

        var sockets = new SocketsHttpHandler
        {
            // The redirect follower and YARP decide about redirects, cookies and encodings, not the handler.
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            // HTTP(S)_PROXY and NO_PROXY from the environment, as corporate networks need.
            UseProxy = true,
            ConnectTimeout = http.ConnectTimeout,
            PooledConnectionIdleTimeout = http.PooledConnectionIdleTimeout,
            PooledConnectionLifetime = http.PooledConnectionLifetime,
            EnableMultipleHttp2Connections = true,
            // A body left unread (the client hung up mid-blob, an error body read only in part) closes its
            // connection at once: draining up to 1 MiB to reuse it would keep pulling a blob nobody reads,
            // and the upstream would never see the abort.
            MaxResponseDrainSize = 0,
        };

        // With no CA bundle and no opt-out, the platform's own validation applies unchanged.
        if (!trust.UsesSystemTrustOnly)
        {
            sockets.SslOptions.RemoteCertificateValidationCallback = trust.Validate;
        }

        return sockets;
    }
}
