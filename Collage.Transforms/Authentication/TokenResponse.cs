namespace Collage.Transforms.Authentication;

/// <summary>
/// A token server's answer, as defined by the distribution token spec
/// (https://distribution.github.io/distribution/spec/auth/token/#token-response-fields).
/// </summary>
/// <param name="Token">The Bearer token (<c>token</c>, or OAuth 2.0's <c>access_token</c>).</param>
/// <param name="ExpiresIn">Seconds the token stays valid after it was issued; null when not given.</param>
/// <param name="IssuedAt">When the token server says it issued the token; null when not given.</param>
/// <param name="RefreshToken">A refresh token (<c>refresh_token</c>), given when offline access was asked; else null.</param>
internal sealed record TokenResponse(string Token, int? ExpiresIn = null, DateTimeOffset? IssuedAt = null, string? RefreshToken = null)
{
    // Never print the token, whoever calls ToString (a debugger, a log, an assertion message).
    public override string ToString() => $"TokenResponse {{ ExpiresIn = {ExpiresIn}, IssuedAt = {IssuedAt} }}";
}
