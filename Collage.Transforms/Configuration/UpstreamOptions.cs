using System.Text;

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

    /// <summary>
    /// Who authenticates to this upstream: <see cref="UpstreamAuthMode.Gateway"/> (Collage, with the credentials
    /// below; the default) or <see cref="UpstreamAuthMode.Passthrough"/> (each client, through Collage's token endpoint).
    /// </summary>
    public UpstreamAuthMode Auth { get; init; } = UpstreamAuthMode.Gateway;

    /// <summary>The user name Collage authenticates with (gateway mode). Default: none (anonymous).</summary>
    public string? Username { get; init; }

    /// <summary>The password of <see cref="Username"/>. Prefer <see cref="PasswordFile"/>. Default: none.</summary>
    public string? Password { get; init; }

    /// <summary>
    /// A file holding the password of <see cref="Username"/> (e.g. a mounted Kubernetes secret); a trailing
    /// newline is ignored. Default: none.
    /// </summary>
    public string? PasswordFile { get; init; }

    /// <summary>
    /// An identity (OAuth 2.0 refresh) token, as <c>docker login</c> stores it, sent to the token server with
    /// <c>grant_type=refresh_token</c>. Default: none.
    /// </summary>
    public string? IdentityToken { get; init; }

    /// <summary>This upstream's cache settings (on or off, its own tag TTL). Default: the cache's.</summary>
    public UpstreamCacheOptions? Cache { get; init; }

    // Records print every property; secrets must not reach a log or an assertion message that way.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("CaFile = ").Append(CaFile)
            .Append(", InsecureSkipVerify = ").Append(InsecureSkipVerify)
            .Append(", Auth = ").Append(Auth)
            .Append(", Username = ").Append(Username)
            .Append(", Password = ").Append(Password is null ? "null" : "***")
            .Append(", PasswordFile = ").Append(PasswordFile)
            .Append(", IdentityToken = ").Append(IdentityToken is null ? "null" : "***")
            .Append(", Cache = ").Append(Cache);
        return true;
    }
}
