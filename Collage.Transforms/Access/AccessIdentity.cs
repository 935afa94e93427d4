namespace Collage.Transforms.Access;

/// <summary>Who a request comes from: a user who logged in (with their groups), or no one.</summary>
/// <param name="User">The user name; null for an anonymous request.</param>
/// <param name="Groups">The user's groups.</param>
internal sealed record AccessIdentity(string? User, IReadOnlySet<string> Groups)
{
    /// <summary>A request without credentials.</summary>
    public static readonly AccessIdentity Anonymous = new(null, new HashSet<string>());

    /// <summary>Whether no one logged in.</summary>
    public bool IsAnonymous => User is null;
}
