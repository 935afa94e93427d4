namespace Collage.Transforms.Authentication;

/// <summary>
/// Options of the anonymous Bearer token dance Collage does with upstream registries.
/// </summary>
public sealed record UpstreamAuthenticationOptions
{
    /// <summary>
    /// How many tokens, and as many upstream realms, are kept at most. Default 1024.
    /// </summary>
    public int MaxCachedTokens { get; init; } = 1024;

    /// <summary>
    /// How long a token lives when the token server gives no <c>expires_in</c>. Default 60 seconds,
    /// the default of the distribution token spec.
    /// </summary>
    public TimeSpan DefaultTokenLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long before its expiry a token is no longer used, so that it does not expire on its way
    /// to the upstream. At most half the token's lifetime is taken. Default 10 seconds.
    /// </summary>
    public TimeSpan ExpiryMargin { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long one token request may take, answer read included. Default 15 seconds.
    /// </summary>
    public TimeSpan TokenRequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The largest token response body read, in bytes; a larger one fails the token request.
    /// Default 64 KiB.
    /// </summary>
    public int MaxTokenResponseBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// How long a failed token request (token server down, timed out, or answering garbage) stands as the
    /// answer for its realm, service and scope before the next caller asks again. Clients retry a failed
    /// pull, and many clients pull at once: without it every retry of every client became a token request
    /// to a token server that is already failing. Default 2 seconds; zero asks again at once.
    /// </summary>
    public TimeSpan FailedFetchBackoff { get; init; } = TimeSpan.FromSeconds(2);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCachedTokens, 1, nameof(MaxCachedTokens));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DefaultTokenLifetime, TimeSpan.Zero, nameof(DefaultTokenLifetime));
        ArgumentOutOfRangeException.ThrowIfLessThan(ExpiryMargin, TimeSpan.Zero, nameof(ExpiryMargin));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TokenRequestTimeout, TimeSpan.Zero, nameof(TokenRequestTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTokenResponseBytes, 1, nameof(MaxTokenResponseBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(FailedFetchBackoff, TimeSpan.Zero, nameof(FailedFetchBackoff));
    }
}
