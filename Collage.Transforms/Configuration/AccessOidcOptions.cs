namespace Collage.Transforms.Configuration;

/// <summary>
/// Logins with a JWT from an existing OpenID Connect identity provider (<c>Collage:Access:Oidc</c>), presented as the
/// password (<c>skopeo --creds anyname:&lt;jwt&gt;</c>, a Kubernetes service-account token, a CI job's id token). The
/// issuer's signing keys are read from its discovery document's <c>jwks_uri</c>.
/// </summary>
public sealed record AccessOidcOptions
{
    /// <summary>
    /// The issuer URL, exactly as the tokens' <c>iss</c> claim names it (e.g. <c>https://token.actions.githubusercontent.com</c>);
    /// its discovery document is <c>&lt;issuer&gt;/.well-known/openid-configuration</c>. Required; https unless the host is
    /// a loopback address.
    /// </summary>
    public required string Issuer { get; init; }

    /// <summary>The audience a token must name in its <c>aud</c> claim (e.g. <c>collage</c>). Required.</summary>
    public required string Audience { get; init; }

    /// <summary>The claim that names the user. Default <c>sub</c>; a token without it (or with it empty) is refused.</summary>
    public string UserClaim { get; init; } = "sub";

    /// <summary>The claim that lists the user's groups: a JSON array of strings or one string. Default <c>groups</c>.</summary>
    public string GroupsClaim { get; init; } = "groups";

    /// <summary>How far a token's <c>exp</c> and <c>nbf</c> may be off Collage's clock. Default 1 min.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often the discovery document and the JWKS are read again. Default 1 h. A token signed by a key not in the
    /// JWKS (a new <c>kid</c>) has them read at once too, at most once a minute.
    /// </summary>
    public TimeSpan MetadataRefresh { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A PEM file, or a folder of them, with the CA certificates that vouch for the issuer's TLS certificate beside the
    /// system's, like an upstream's <c>caFile</c>: a Kubernetes API server's issuer is signed by the cluster's own CA
    /// (<c>/var/run/secrets/kubernetes.io/serviceaccount/ca.crt</c>). Default: none, the system's trust only.
    /// </summary>
    public string? CaFile { get; init; }
}
