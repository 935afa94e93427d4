using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Collage.Transforms.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace Collage.Proxy.Hosting;

/// <summary>
/// How Kestrel listens: one endpoint on <see cref="ServerOptions.Bind"/> and <see cref="ServerOptions.Port"/>,
/// TLS from <c>--cert</c>/<c>--key</c> reloaded on renewal, the client limits of <see cref="KestrelLimitsOptions"/>,
/// and request code scheduled inline on the socket thread (<see cref="ServerOptions.InlineScheduling"/>).
/// </summary>
internal static class KestrelSetup
{
    /// <summary>
    /// Configures Kestrel on <paramref name="builder"/>, its limits read from <c>Server:Limits</c>. A certificate
    /// pair that does not load stops start-up here, not at the first TLS handshake.
    /// </summary>
    public static void Configure(WebApplicationBuilder builder, ServerOptions server)
    {
        if (server.CertFile is { } certFile)
        {
            CheckCertificate(certFile, server.KeyFile);
            builder.Services.AddSingleton(services => new ServerCertificateReloader(
                certFile,
                server.KeyFile,
                server.CertificateReloadInterval,
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILoggerFactory>().CreateLogger<ServerCertificateReloader>()));
        }

        var limits = KestrelLimits.Read(builder.Configuration);

        // The slim builder leaves TLS out unless asked for.
        builder.WebHost.UseKestrelHttpsConfiguration();
        if (server.InlineScheduling)
        {
            builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            var address = server.Bind is null ? IPAddress.IPv6Any : IPAddress.Parse(server.Bind);
            kestrel.Listen(address, server.Port, listen =>
            {
                if (server.CertFile is not null)
                {
                    var certificates = kestrel.ApplicationServices.GetRequiredService<ServerCertificateReloader>();
                    listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, _) => certificates.Current });
                }
            });
            KestrelLimits.Apply(kestrel, limits);
        });
    }

    /// <summary>
    /// The runtime half of inline scheduling: socket completions inline too (<see cref="SocketCompletions"/>).
    /// Must run before Kestrel opens the first socket of the process, which is when the runtime reads the switch.
    /// </summary>
    public static void PrepareSockets(IServiceProvider services)
    {
        if (services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling)
        {
            SocketCompletions.EnableInlineUnlessSet();
        }
    }

    private static void CheckCertificate(string certFile, string? keyFile)
    {
        try
        {
            using var _ = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new CollageConfigException("--cert", $"the certificate '{certFile}' with key '{keyFile}' could not be loaded ({ex.Message}). Pass PEM files.");
        }
    }
}
