namespace Collage.Transforms.Configuration;

/// <summary>
/// Client access control (<c>Collage:Access</c>): who may pull which local repositories. Without this section every
/// client pulls every mount, as before; with it, anonymous clients get only <see cref="Anonymous"/>.
/// </summary>
public sealed record AccessOptions
{
    /// <summary>
    /// An htpasswd file of bcrypt hashes (<c>htpasswd -B</c>), re-read when it changes (the last good one is kept on a
    /// broken edit). Default: none, so no user can log in.
    /// </summary>
    public string? Htpasswd { get; init; }

    /// <summary>Groups of users, by group name. Default: none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Groups { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Repository patterns anyone may pull without logging in (<c>public/**</c>). Default: none.</summary>
    public IReadOnlyList<string> Anonymous { get; init; } = [];

    /// <summary>Repository patterns every user who logged in may pull. Default: none.</summary>
    public IReadOnlyList<string> Authenticated { get; init; } = [];

    /// <summary>Grants to named users and groups, in addition to the two lists above. Default: none.</summary>
    public IReadOnlyList<AccessRuleOptions> Rules { get; init; } = [];

    /// <summary>
    /// JWTs from an OpenID Connect issuer, accepted as the password of a login. Default: none (null), so only the
    /// htpasswd users log in.
    /// </summary>
    public AccessOidcOptions? Oidc { get; init; }

    /// <summary>Failed logins allowed per client address and per user name within <see cref="LoginWindow"/>. Default 10.</summary>
    public int LoginAttempts { get; init; } = 10;

    /// <summary>The window of <see cref="LoginAttempts"/>. Default 1 min.</summary>
    public TimeSpan LoginWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A PEM file with the private key (RSA, or EC P-256) that signs the tokens Collage's token endpoint issues to its
    /// clients, re-read when it changes (the previous key is still accepted until the tokens it signed expire). Give
    /// every replica the same file so each accepts the others' tokens. Default: none, so a key is generated at
    /// start-up and tokens hold only on the instance that issued them.
    /// </summary>
    public string? TokenKey { get; init; }

    /// <summary>
    /// Requests one user who logged in may make per <see cref="RequestWindow"/> (beyond them: 429 with
    /// <c>Retry-After</c>). Default 0: no limit.
    /// </summary>
    public int RequestsPerUser { get; init; }

    /// <summary>Requests one client address may make per <see cref="RequestWindow"/>, logged in or not. Default 0: no limit.</summary>
    public int RequestsPerAddress { get; init; }

    /// <summary>The window of <see cref="RequestsPerUser"/> and <see cref="RequestsPerAddress"/>. Default 1 s.</summary>
    public TimeSpan RequestWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a token from Collage's token endpoint is valid. Default 5 min, as distribution's token server.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a refresh token is valid (given to clients that ask for one: docker login's identity token, containerd's
    /// <c>access_type=offline</c>). A refresh is refused once its user is gone from the htpasswd file, and one from an
    /// OIDC login never outlives that login's token. Default 1 day.
    /// </summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(1);
}
