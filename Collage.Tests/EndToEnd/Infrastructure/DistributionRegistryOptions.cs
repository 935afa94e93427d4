namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>How to configure a <see cref="DistributionRegistry"/>.</summary>
internal sealed record DistributionRegistryOptions
{
    /// <summary>A short name used in temp folder names and messages. Default <c>registry</c>.</summary>
    public string Name { get; init; } = "registry";

    /// <summary>
    /// The storage root directory. When null (the default) the registry stores in its own temp folder, deleted on dispose;
    /// when set, the caller owns the folder (e.g. a <see cref="CdnServer"/> serves it) and deletes it.
    /// </summary>
    public string? StorageRoot { get; init; }

    /// <summary>
    /// When set, the <c>redirect</c> storage middleware is enabled with this base URL, so blob GET and HEAD answer
    /// <c>307 Location: {base}docker/registry/v2/blobs/sha256/xx/HEX/data</c>, like a registry behind a CDN. Must end with '/'.
    /// </summary>
    public Uri? RedirectBaseUri { get; init; }

    /// <summary>When set, the registry requires HTTP Basic auth (htpasswd with a bcrypt hash) for every request.</summary>
    public BasicAuthCredentials? BasicAuth { get; init; }

    /// <summary>Extra top-level YAML appended verbatim to config.yml (must not repeat a generated top-level key).</summary>
    public string? ExtraYaml { get; init; }

    /// <summary>How long to wait for <c>GET /v2/</c> to answer. Default 15 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
