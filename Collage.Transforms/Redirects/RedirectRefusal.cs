namespace Collage.Transforms.Redirects;

/// <summary>
/// Why <see cref="RedirectFollowingHandler"/> answered 502 Bad Gateway instead of following a redirect.
/// </summary>
internal enum RedirectRefusal
{
    /// <summary>The upstream redirected more often than <see cref="RedirectOptions.MaxRedirects"/> allows.</summary>
    TooManyRedirects,

    /// <summary>The redirect target's scheme is neither http nor https.</summary>
    UnsupportedScheme,

    /// <summary>The redirect goes from https to plain http.</summary>
    SchemeDowngrade,
}
