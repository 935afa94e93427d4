namespace Collage.Transforms.Redirects;

/// <summary>
/// Keys under which <see cref="RedirectFollowingHandler"/> records its outcome in
/// <see cref="HttpRequestMessage.Options"/>, so that outer handlers and response transforms
/// (which see the original request) can tell that a blob came from a redirect target.
/// </summary>
internal static class RedirectRequestOptions
{
    /// <summary>
    /// How many redirects were followed (0 when the first answer was final). Set on the original
    /// request and on the final hop's request (<see cref="HttpResponseMessage.RequestMessage"/>).
    /// </summary>
    public static readonly HttpRequestOptionsKey<int> RedirectCount = new("Collage.Redirects.RedirectCount");

    /// <summary>Set on the original request when a redirect was refused and 502 was answered.</summary>
    public static readonly HttpRequestOptionsKey<RedirectRefusal> Refusal = new("Collage.Redirects.Refusal");
}
