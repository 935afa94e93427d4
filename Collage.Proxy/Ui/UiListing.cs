using Collage.Transforms.Registry;
using Collage.Transforms.Rewriting;

namespace Collage.Proxy.Ui;

/// <summary>
/// A whole listing (<c>_catalog</c> or <c>tags/list</c>) read through its pages (distribution spec, "Listing Tags":
/// the <c>Link</c> header's <c>rel="next"</c>), up to <see cref="MaxNames"/> names, so the page can sort, search and
/// page by itself whatever order the upstreams keep.
/// </summary>
internal static class UiListing
{
    /// <summary>The most names read for one page view; past it the page says the list is cut.</summary>
    public const int MaxNames = 10_000;

    private const int PageSize = 1000;
    private const int MaxBody = 4 * 1024 * 1024;

    /// <summary>The names of the listing at <paramref name="path"/>, or the first failed answer.</summary>
    /// <param name="client">The loopback client.</param>
    /// <param name="context">The page request.</param>
    /// <param name="path">The listing's path, such as <c>/v2/_catalog</c>.</param>
    /// <param name="property">The JSON array holding the names: <c>repositories</c> or <c>tags</c>.</param>
    public static async Task<(List<string> Names, bool Cut, UiAnswer? Failure)> ReadAsync(UiRegistryClient client, HttpContext context, string path, string property)
    {
        var names = new List<string>();
        string? next = $"{path}?n={PageSize}";
        while (next is not null)
        {
            var answer = await client.GetAsync(context, next, "application/json", MaxBody).ConfigureAwait(false);
            if (!answer.IsSuccess)
            {
                return (names, false, answer);
            }

            if (!JsonNameList.TryRead(answer.Body, property, names))
            {
                // Not a listing: the page says the list could not be read, as for any failed answer.
                return (names, false, answer with { Status = StatusCodes.Status502BadGateway, Body = [] });
            }

            if (names.Count >= MaxNames)
            {
                return (names[..MaxNames], true, null);
            }

            next = NextPage(answer.Link, path);
        }

        return (names, false, null);
    }

    // RFC 8288: <target>; rel="next", parsed as everywhere in Collage. Collage writes local targets; anything else is
    // not followed.
    private static string? NextPage(string? link, string path) =>
        link is null
            ? null
            : LinkHeader.Parse(link)
                .Where(l => l.Parameters.Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase))
                .Select(l => l.Target)
                .FirstOrDefault(target => target.StartsWith(path + "?", StringComparison.Ordinal));
}
