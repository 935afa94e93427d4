using System.Security.Cryptography.X509Certificates;
using Collage.Transforms.Configuration;
using Collage.Transforms.Diagnostics;

namespace Collage.Proxy.Hosting;

/// <summary>
/// Serves the <c>--cert</c>/<c>--key</c> pair and reloads it when the files change, so a renewed
/// certificate (cert-manager, a rotated Kubernetes secret) applies without a restart. The files are polled:
/// secret volumes swap a symlink, which file watchers miss. A pair that fails to load keeps the old one.
/// </summary>
internal sealed partial class ServerCertificateReloader : IDisposable
{
    private readonly string _certFile;
    private readonly string? _keyFile;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private volatile X509Certificate2 _current;
    private (FileStamp, FileStamp) _stamp;

    public ServerCertificateReloader(string certFile, string? keyFile, TimeSpan interval, TimeProvider timeProvider, ILogger logger)
    {
        _certFile = certFile;
        _keyFile = keyFile;
        _logger = logger;
        _stamp = Stamp();
        _current = Load();
        _timer = timeProvider.CreateTimer(_ => Poll(), null, interval, interval);
    }

    /// <summary>The certificate for new TLS handshakes.</summary>
    public X509Certificate2 Current => _current;

    public void Dispose() => _timer.Dispose();

    private void Poll()
    {
        var stamp = Stamp();
        if (stamp == _stamp)
        {
            return;
        }

        try
        {
            _current = Load();
            _stamp = stamp;
            LogReloaded(_logger, _certFile, _current.NotAfter);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            // A half-written pair: keep serving the old one and try again at the next tick.
            LogReloadFailed(_logger, _certFile, ex.Message);
        }
    }

    private X509Certificate2 Load() => X509Certificate2.CreateFromPemFile(_certFile, _keyFile);

    // The final targets: a Kubernetes Secret volume's ..data swap changes them, not the links (FileStamp).
    private (FileStamp, FileStamp) Stamp() =>
        (FileStamp.Of(_certFile), _keyFile is null ? default : FileStamp.Of(_keyFile));

    [LoggerMessage(EventId = EventIds.ServerCertificateReloaded, Level = LogLevel.Information, Message = "TLS certificate {File} reloaded; valid until {NotAfter:u}")]
    private static partial void LogReloaded(ILogger logger, string file, DateTime notAfter);

    [LoggerMessage(EventId = EventIds.ServerCertificateReloadFailed, Level = LogLevel.Warning, Message = "TLS certificate {File} changed but could not be loaded ({Error}); the previous one stays in use")]
    private static partial void LogReloadFailed(ILogger logger, string file, string error);
}
