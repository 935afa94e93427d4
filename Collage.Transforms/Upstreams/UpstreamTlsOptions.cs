namespace Collage.Transforms.Upstreams;

/// <summary>
/// How Collage trusts the TLS certificate of one upstream registry.
/// </summary>
public sealed record UpstreamTlsOptions
{
    /// <summary>
    /// A PEM file, or a directory of <c>*.pem</c> and <c>*.crt</c> files (PEM or DER), holding CA
    /// certificates trusted for this upstream in addition to the system trust store, which stays
    /// in force. The files are read once, when the upstream's handler is built; a missing,
    /// unreadable or certificate-less path fails start-up. Default: null (the system store only).
    /// </summary>
    public string? CaFile { get; init; }

    /// <summary>
    /// Accepts any server certificate, expired, self-signed or for another name, so the
    /// connection is no longer authenticated. An explicit opt-in for test registries, logged as
    /// a warning at start-up. Default: false.
    /// </summary>
    public bool InsecureSkipVerify { get; init; }
}
