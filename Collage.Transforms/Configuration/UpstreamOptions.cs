namespace Collage.Transforms.Configuration;

/// <summary>Settings for one upstream registry, keyed by its <c>host[:port]</c>.</summary>
public sealed record UpstreamOptions
{
    /// <summary>
    /// A PEM file, or a directory of PEM files, with CA certificates trusted for this upstream
    /// beside the system store. Default: none.
    /// </summary>
    public string? CaFile { get; init; }

    /// <summary>
    /// Accept any TLS certificate from this upstream. An explicit opt-in for lab registries; default <c>false</c>.
    /// </summary>
    public bool InsecureSkipVerify { get; init; }
}
