using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Collage.Transforms.Configuration;
using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Upstreams;

/// <summary>
/// Decides whether an upstream's TLS certificate is trusted, from <see cref="UpstreamOptions"/>:
/// the system trust store first, then the upstream's own CA bundle, and anything only on the
/// explicit <see cref="UpstreamOptions.InsecureSkipVerify"/> opt-in.
/// </summary>
/// <remarks>
/// <see cref="UpstreamSockets.Create"/> builds one per upstream client: the CA files are read once, in
/// the constructor, so a bad path fails when a table is prepared (start-up or reload) rather than on
/// the first pull.
/// </remarks>
internal sealed partial class UpstreamCertificateValidator
{
    /// <summary>id-kp-serverAuth (RFC 5280 section 4.2.1.12), required of a TLS server's chain.</summary>
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    private readonly string _upstream;
    private readonly X509Certificate2Collection? _bundle;
    private readonly bool _insecureSkipVerify;
    private readonly ILogger<UpstreamCertificateValidator> _logger;

    /// <summary>Reads the CA bundle, if any, and warns once when verification is switched off.</summary>
    /// <param name="upstream">The upstream's <c>host[:port]</c>, used in log messages.</param>
    /// <param name="options">The upstream's TLS options.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="InvalidOperationException">
    /// <see cref="UpstreamOptions.CaFile"/> is missing, unreadable or holds no certificate.
    /// </exception>
    public UpstreamCertificateValidator(string upstream, UpstreamOptions options, ILogger<UpstreamCertificateValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);

        _upstream = upstream;
        _logger = logger;
        _insecureSkipVerify = options.InsecureSkipVerify;
        _bundle = string.IsNullOrWhiteSpace(options.CaFile) ? null : CaBundleLoader.Load(options.CaFile);

        if (_insecureSkipVerify)
        {
            Log.InsecureSkipVerify(_logger, _upstream);
        }
    }

    /// <summary>
    /// True when neither a CA bundle nor <see cref="UpstreamOptions.InsecureSkipVerify"/> is set:
    /// the platform's own validation then applies unchanged and no callback is needed.
    /// </summary>
    public bool UsesSystemTrustOnly => _bundle is null && !_insecureSkipVerify;

    /// <summary>The number of CA certificates loaded from <see cref="UpstreamOptions.CaFile"/>.</summary>
    public int BundleCount => _bundle?.Count ?? 0;

    /// <summary>
    /// A <see cref="RemoteCertificateValidationCallback"/> for
    /// <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/>.
    /// </summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors sslPolicyErrors)
    {
        // The system store vouches for it: the bundle is added beside the system store, not instead.
        if (sslPolicyErrors == SslPolicyErrors.None)
        {
            return true;
        }

        if (_insecureSkipVerify)
        {
            return true;
        }

        if (certificate is null || _bundle is null)
        {
            Log.CertificateRejected(_logger, _upstream, sslPolicyErrors.ToString());
            return false;
        }

        // A private CA vouches for a chain, never for a name: the certificate must still name the
        // host Collage dialled (RFC 9110 section 4.3.4, RFC 6125).
        if ((sslPolicyErrors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            Log.CertificateRejected(_logger, _upstream, sslPolicyErrors.ToString());
            return false;
        }

        var status = BuildWithBundle(certificate, chain);
        if (status is not null)
        {
            Log.CertificateRejected(_logger, _upstream, status);
            return false;
        }

        return true;
    }

    /// <summary>Null when the chain ends in a bundle CA; otherwise the chain status, for the log.</summary>
    private string? BuildWithBundle(X509Certificate certificate, X509Chain? presented)
    {
        var leaf = certificate as X509Certificate2;
        var ownsLeaf = leaf is null;
        leaf ??= X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());

        using var custom = new X509Chain();
        try
        {
            var policy = custom.ChainPolicy;
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(_bundle!);

            // Intermediates from the bundle and from the server's handshake (which SslStream puts
            // in the presented chain's ExtraStore) complete the path to a bundle root.
            policy.ExtraStore.AddRange(_bundle!);
            if (presented is not null)
            {
                policy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
                policy.RevocationMode = presented.ChainPolicy.RevocationMode;
                policy.RevocationFlag = presented.ChainPolicy.RevocationFlag;
            }
            else
            {
                // SslClientAuthenticationOptions' own default.
                policy.RevocationMode = X509RevocationMode.NoCheck;
            }

            policy.ApplicationPolicy.Add(ServerAuthentication);

            // A private CA's path is complete in the bundle; fetching missing issuers over
            // the network during a handshake would only slow a failure down.
            policy.DisableCertificateDownloads = true;

            if (custom.Build(leaf))
            {
                return null;
            }

            return string.Join("; ", custom.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
        }
        finally
        {
            foreach (var element in custom.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, leaf))
                {
                    element.Certificate.Dispose();
                }
            }

            if (ownsLeaf)
            {
                leaf.Dispose();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.InsecureSkipVerify, LogLevel.Warning,
            "TLS certificate verification is OFF for upstream '{Upstream}' (insecureSkipVerify): any certificate is accepted and the connection is not authenticated.",
            EventName = "InsecureSkipVerify")]
        public static partial void InsecureSkipVerify(ILogger logger, string upstream);

        [LoggerMessage(EventIds.UpstreamCertificateRejected, LogLevel.Warning,
            "The TLS certificate of upstream '{Upstream}' was rejected: {Reason}.",
            EventName = "CertificateRejected")]
        public static partial void CertificateRejected(ILogger logger, string upstream, string reason);
    }
}
