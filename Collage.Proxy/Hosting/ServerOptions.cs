namespace Collage.Proxy.Hosting;

/// <summary>
/// How Collage listens: <c>--port</c>/<c>COLLAGE_PORT</c>, <c>--bind</c>/<c>COLLAGE_BIND</c>,
/// <c>--cert</c>/<c>--key</c>, and <c>--config-file</c>/<c>COLLAGE_CONFIG_FILE</c>.
/// </summary>
public sealed record ServerOptions
{
    /// <summary>The configuration section these options come from.</summary>
    public const string SectionName = "Server";

    /// <summary>TCP port; default 5000, as the original collage. 0 picks a free port.</summary>
    public int Port { get; init; } = 5000;

    /// <summary>Address to listen on; default every interface.</summary>
    public string? Bind { get; init; }

    /// <summary>A PEM certificate (chain) for TLS; with <see cref="KeyFile"/>. Default: plain HTTP.</summary>
    public string? CertFile { get; init; }

    /// <summary>The PEM private key of <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; init; }

    /// <summary>How often the certificate files are checked for a renewal. Default 10 s.</summary>
    public TimeSpan CertificateReloadInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A config file in the original collage format; its mounts replace the defaults.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>
    /// Whether Kestrel runs request code on the socket's I/O thread instead of queuing it to the thread pool
    /// (<c>SocketTransportOptions.UnsafePreferInlineScheduling</c>), and socket completions run inline too
    /// (<see cref="SocketCompletions"/>). Saves a thread wake-up per request and per blob chunk: about a quarter
    /// of Collage's CPU per blob gigabyte on 2 cores (bench/FINDINGS.md). Default true. Request code must then
    /// never block a thread (it does not: every upstream, token and log call is asynchronous); set false to go
    /// back to Kestrel's thread-pool scheduling.
    /// </summary>
    public bool InlineScheduling { get; init; } = true;
}
