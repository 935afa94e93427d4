using Collage.Transforms.Mounts;

namespace Collage.Proxy.Ui.Pages;

/// <summary>
/// What <c>/v2/_catalog</c> lists across the mounts, with a search box and pages; and, since Docker Hub and quay.io
/// refuse their catalog, a "go to name" box and a plain sentence naming the mounts the catalog shows nothing of.
/// </summary>
internal sealed class RepositoriesPage(MountTableProvider tables, UiRegistryClient client, UiGate gate, UiLinks links)
{
    private const int PageSize = 100;

    public async Task HandleAsync(HttpContext context)
    {
        var table = tables.Current;
        if (await gate.AdmitAsync(context, table, links) is not { } viewer)
        {
            return;
        }

        var query = context.Request.Query["q"].ToString().Trim();
        var last = context.Request.Query["last"].ToString();
        var (names, cut, failure) = await UiListing.ReadAsync(client, context, "/v2/_catalog", "repositories");
        if (failure?.Status == StatusCodes.Status401Unauthorized)
        {
            await UiGate.ChallengeAsync(context, links);
            return;
        }

        var html = UiLayout.Open(links, "Repositories", "repositories");
        html.Raw("<h1>Repositories</h1>");
        GoTo(html);
        html.Raw("<form id=\"search\" method=\"get\" role=\"search\"").Attr("action", links.Repositories()).Raw(">")
            .Raw("<label for=\"q\">Search the catalog</label><div class=\"row\"><input id=\"q\" name=\"q\" type=\"search\" autocomplete=\"off\"").Attr("value", query)
            .Raw("><button type=\"submit\">Search</button></div></form>");

        var status = StatusCodes.Status200OK;
        if (failure is not null)
        {
            status = failure.Status == StatusCodes.Status403Forbidden ? StatusCodes.Status200OK : StatusCodes.Status502BadGateway;
            UiLayout.Error(html, failure.Status == StatusCodes.Status403Forbidden
                ? "You may not list the catalog here. Go to a repository by its name above."
                : $"The catalog could not be read ({failure.ErrorText() ?? $"status {failure.Status}"}). Go to a repository by its name above.");
        }
        else
        {
            var map = table.Select(context.Request.Host, null, out _);
            Refused(html, map, viewer, names);
            List(html, names, query, last, cut);
        }

        await UiLayout.WriteAsync(context, status, UiLayout.Close(html));
    }

    private void GoTo(HtmlBuilder html) =>
        html.Raw("<form id=\"goto\" method=\"get\"").Attr("action", links.Base + "/repository").Raw(">")
            .Raw("<label for=\"goto-name\">Go to a repository by name</label><div class=\"row\"><input id=\"goto-name\" name=\"name\" required autocomplete=\"off\" placeholder=\"team/app\">")
            .Raw("<button type=\"submit\">Go</button></div></form>");

    // A mount with nothing in the catalog: its upstream lists no catalog (or holds nothing). Said plainly, not an empty list.
    private static void Refused(HtmlBuilder html, MountMap map, UiViewer viewer, List<string> names)
    {
        var silent = map.Mounts
            .Where(m => viewer.MaySee(map, m))
            .Where(m => !names.Any(n => m.LocalPrefix.Length == 0 || n == m.LocalPrefix || n.StartsWith(m.LocalPrefix + "/", StringComparison.Ordinal)))
            .Select(m => m.LocalPrefix.Length == 0 ? "/" : m.LocalPrefix)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (silent.Count > 0)
        {
            var one = silent.Count == 1;
            html.Raw("<p id=\"catalog-refused\" class=\"note\">The catalog lists nothing under ").Text(string.Join(", ", silent))
                .Text(one
                    ? ". Its upstream may not list a catalog (Docker Hub and quay.io do not), may hold nothing there, or may not have answered. Its repositories can still be pulled: go to one by its name."
                    : ". Their upstreams may not list a catalog (Docker Hub and quay.io do not), may hold nothing there, or may not have answered. Their repositories can still be pulled: go to one by its name.")
                .Raw("</p>");
        }
    }

    private void List(HtmlBuilder html, List<string> names, string query, string last, bool cut)
    {
        var matching = names
            .Where(n => query.Length == 0 || n.Contains(query, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        var from = last.Length == 0 ? 0 : matching.FindIndex(n => string.CompareOrdinal(n, last) > 0);
        var page = from < 0 ? [] : matching.Skip(from).Take(PageSize).ToList();
        html.Raw("<p class=\"count\">").Number(matching.Count).Text(matching.Count == 1 ? " repository" : " repositories")
            .Text(query.Length > 0 ? $" matching \u201c{query}\u201d" : string.Empty)
            .Text(cut ? $" (the catalog was read up to {UiListing.MaxNames} names)" : string.Empty).Raw("</p>");
        html.Raw("<ul id=\"repositories\">");
        foreach (var name in page)
        {
            html.Raw("<li>").Link(links.Repository(name), name, "repository").Raw("</li>");
        }

        html.Raw("</ul>");
        if (page.Count > 0 && from + page.Count < matching.Count)
        {
            html.Raw("<nav class=\"pager\" aria-label=\"Pages\">").Link(links.Repositories(query, page[^1]), "Next page", id: "next-page").Raw("</nav>");
        }
    }
}
