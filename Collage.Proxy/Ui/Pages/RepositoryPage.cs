using Collage.Transforms.Mounts;
using Collage.Transforms.Registry;

namespace Collage.Proxy.Ui.Pages;

/// <summary>A repository's tags, from its <c>tags/list</c> read whole, sorted by name either way and paged.</summary>
internal sealed class RepositoryPage(MountTableProvider tables, UiRegistryClient client, UiGate gate, UiLinks links)
{
    private const int PageSize = 100;

    public async Task HandleAsync(HttpContext context)
    {
        if (await gate.AdmitAsync(context, tables.Current, links) is null)
        {
            return;
        }

        var name = context.Request.Query["name"].ToString().Trim().Trim('/');
        if (!ReferenceGrammar.IsValidName(name))
        {
            await UiFailure.Message(context, links, StatusCodes.Status400BadRequest, "Not a repository name",
                "A repository name is lowercase letters and digits in path segments, such as team/app.", "repositories");
            return;
        }

        var (tags, cut, failure) = await UiListing.ReadAsync(client, context, $"/v2/{name}/tags/list", "tags");
        if (failure is not null)
        {
            await UiFailure.WriteAsync(context, links, failure, $"repository {name}", "repositories");
            return;
        }

        // name (A to Z), -name (Z to A), -version (highest version first: 1.10 before 1.9); anything else is name.
        var sort = context.Request.Query["sort"].ToString() switch
        {
            "-name" => "-name",
            "-version" => "-version",
            _ => "name",
        };
        IComparer<string> order = sort switch
        {
            "-name" => Comparer<string>.Create((x, y) => string.CompareOrdinal(y, x)),
            "-version" => Comparer<string>.Create((x, y) => TagOrder.Version.Compare(y, x)),
            _ => StringComparer.Ordinal,
        };
        var last = context.Request.Query["last"].ToString();
        var sorted = tags.Order(order).ToList();
        var from = last.Length == 0 ? 0 : sorted.FindIndex(t => order.Compare(t, last) > 0);
        var page = from < 0 ? [] : sorted.Skip(from).Take(PageSize).ToList();

        var html = UiLayout.Open(links, name, "repositories");
        html.Raw("<h1>").Text(name).Raw("</h1><p class=\"count\">").Number(tags.Count).Text(tags.Count == 1 ? " tag" : " tags")
            .Text(cut ? $" (read up to {UiListing.MaxNames})" : string.Empty).Raw(". Sort: ");
        SortLink(html, name, "sort-asc", "name", "A to Z", sort);
        html.Raw(" · ");
        SortLink(html, name, "sort-desc", "-name", "Z to A", sort);
        html.Raw(" · ");
        SortLink(html, name, "sort-version", "-version", "highest version first", sort);
        html.Raw("</p>");
        if (tags.Count == 0)
        {
            html.Raw("<p id=\"no-tags\">This repository has no tags.</p>");
        }
        else
        {
            html.Raw("<div class=\"scroll\"><table id=\"tags\"><thead><tr><th scope=\"col\">Tag</th><th scope=\"col\">Pull</th></tr></thead><tbody>");
            var host = PullCommands.Origin(context, tables.Current).Host;
            foreach (var tag in page)
            {
                html.Raw("<tr class=\"tag\"").Attr("data-tag", tag).Raw("><td>").Link(links.Tag(name, tag), tag, "tag-link")
                    .Raw("</td><td><code>").Text($"{host}/{name}:{tag}").Raw("</code></td></tr>");
            }

            html.Raw("</tbody></table></div>");
            if (page.Count > 0 && from + page.Count < sorted.Count)
            {
                html.Raw("<nav class=\"pager\" aria-label=\"Pages\">").Link(links.Repository(name, sort == "name" ? null : sort, page[^1]), "Next page", id: "next-page").Raw("</nav>");
            }
        }

        await UiLayout.WriteAsync(context, StatusCodes.Status200OK, UiLayout.Close(html));
    }

    private void SortLink(HtmlBuilder html, string name, string id, string sort, string text, string current)
    {
        html.Raw("<a").Attr("id", id).Attr("href", links.Repository(name, sort == "name" ? null : sort));
        if (sort == current)
        {
            html.Raw(" aria-current=\"true\"");
        }

        html.Raw(">").Text(text).Raw("</a>");
    }
}
