namespace Collage.Transforms.Access;

/// <summary>Who a request comes from: a user who logged in (with their groups), or no one.</summary>
/// <param name="User">The user name; null for an anonymous request.</param>
/// <param name="Groups">The user's groups.</param>
internal sealed record AccessIdentity(string? User, IReadOnlySet<string> Groups)
{
    /// <summary>A request without credentials.</summary>
    public static readonly AccessIdentity Anonymous = new(null, new HashSet<string>());

    /// <summary>Whether the user logged in with a token of the configured OIDC issuer (not the htpasswd file).</summary>
    public bool FromOidc { get; init; }

    /// <summary>When the login stops holding: an OIDC token's expiry; null for a password, which does not expire.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Whether no one logged in.</summary>
    public bool IsAnonymous => User is null;
}
