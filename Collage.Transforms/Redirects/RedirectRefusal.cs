namespace Collage.Transforms.Redirects;

/// <summary>
/// Why <see cref="RedirectFollowingHandler"/> refused to follow a redirect and answered 502 Bad Gateway
/// (one more redirect than <see cref="RedirectOptions.MaxRedirects"/> allows is logged on its own).
/// </summary>
internal enum RedirectRefusal
{
    /// <summary>The redirect target's scheme is neither http nor https.</summary>
    UnsupportedScheme,

    /// <summary>The redirect goes from https to plain http.</summary>
    SchemeDowngrade,
}
