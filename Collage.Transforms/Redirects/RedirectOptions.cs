namespace Collage.Transforms.Redirects;

/// <summary>
/// Options of the server-side redirect follower that keeps clients talking only to Collage
/// while an upstream registry sends blob downloads to a CDN.
/// </summary>
public sealed record RedirectOptions
{
    /// <summary>The default of <see cref="MaxRedirects"/>: 5.</summary>
    public const int DefaultMaxRedirects = 5;

    /// <summary>
    /// The most redirects followed for one request. A further redirect is answered with
    /// 502 Bad Gateway instead of being passed to the client. 0 follows none (every redirect
    /// answers 502). Must not be negative. Default: <see cref="DefaultMaxRedirects"/> (5).
    /// </summary>
    /// <remarks>
    /// A registry answers a blob with one redirect to its storage or CDN, rarely two, so a small
    /// limit suffices and cuts a redirect loop short (RFC 9110 section 15.4: a client ought to
    /// detect and intervene in cyclical redirections).
    /// </remarks>
    public int MaxRedirects { get; init; } = DefaultMaxRedirects;
}
