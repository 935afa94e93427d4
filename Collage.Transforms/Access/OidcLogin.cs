namespace Collage.Transforms.Access;

/// <summary>Who a valid OIDC token names, and until when it holds.</summary>
/// <param name="User">The user claim's value.</param>
/// <param name="Groups">The groups claim's values (none when the token has no such claim).</param>
/// <param name="ExpiresAt">The token's <c>exp</c>.</param>
internal sealed record OidcLogin(string User, IReadOnlyList<string> Groups, DateTimeOffset ExpiresAt);
