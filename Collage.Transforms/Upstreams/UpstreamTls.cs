using Collage.Transforms.Configuration;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Upstreams;

/// <summary>
/// Applies <see cref="UpstreamOptions"/> to the <see cref="SocketsHttpHandler"/> of an upstream,
/// for use from YARP's <c>ForwarderHttpClientFactory.ConfigureHandler</c>.
/// </summary>
internal static class UpstreamTls
{
    /// <summary>
    /// Reads the options' CA bundle and installs the resulting validation on <paramref name="handler"/>.
    /// Prefer <see cref="Configure(SocketsHttpHandler, UpstreamCertificateValidator)"/> with a validator kept
    /// per upstream when handlers are rebuilt, so the files are read once.
    /// </summary>
    /// <returns><paramref name="handler"/>.</returns>
    public static SocketsHttpHandler Configure(
        SocketsHttpHandler handler, string upstream, UpstreamOptions options, ILogger<UpstreamCertificateValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Configure(handler, new UpstreamCertificateValidator(upstream, options, logger));
    }

    /// <summary>Installs <paramref name="validator"/> on <paramref name="handler"/>.</summary>
    /// <returns><paramref name="handler"/>.</returns>
    public static SocketsHttpHandler Configure(SocketsHttpHandler handler, UpstreamCertificateValidator validator)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(validator);

        // With no bundle and no opt-out, the platform's validation stays untouched, and any
        // callback set earlier (YARP's DangerousAcceptAnyServerCertificate) is left to its owner.
        if (!validator.UsesSystemTrustOnly)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = validator.Validate;
        }

        return handler;
    }
}
