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
}
