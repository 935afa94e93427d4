namespace Collage.Proxy.Ui;

/// <summary>
/// The shell every page shares: the document head, the navigation and the response headers. The Content-Security-Policy
/// allows only Collage's own stylesheet and script (no inline code, no other origin, no framing), so a name or label an
/// upstream chose can never run as script even if an encoding were missed.
/// </summary>
internal static class UiLayout
{
    /// <summary>The page's Content-Security-Policy.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Opens a page: head, navigation, and <c>&lt;main&gt;</c>; <see cref="Close"/> ends it.</summary>
    public static HtmlBuilder Open(UiLinks links, string title, string current)
    {
        var html = new HtmlBuilder();
        html.Raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Raw("<title>").Text(title).Raw(" · Collage</title>")
            .Raw("<link rel=\"stylesheet\"").Attr("href", links.Asset("ui.css")).Raw(">")
            .Raw("<script defer").Attr("src", links.Asset("ui.js")).Raw("></script>")
            .Raw("</head><body><a class=\"skip\" href=\"#main\">Skip to content</a>")
            .Raw("<header><nav id=\"nav\" aria-label=\"Collage\"><span class=\"brand\">Collage</span>");
        NavLink(html, links.Mounts, "Mounts", "nav-mounts", current == "mounts");
        NavLink(html, links.Repositories(), "Repositories", "nav-repositories", current == "repositories");
        return html.Raw("</nav></header><main id=\"main\" tabindex=\"-1\">");
    }

    /// <summary>Closes what <see cref="Open"/> opened.</summary>
    public static string Close(HtmlBuilder html) =>
        html.Raw("</main><footer>Collage · read-only registry gateway · <a href=\"/v2/\">/v2/</a></footer></body></html>").ToString();

    /// <summary>Writes <paramref name="page"/> with the page's headers and <paramref name="status"/>.</summary>
    public static Task WriteAsync(HttpContext context, int status, string page)
    {
        var response = context.Response;
        response.StatusCode = status;
        SetHeaders(response, "text/html; charset=utf-8");
        var bytes = System.Text.Encoding.UTF8.GetBytes(page);
        response.ContentLength = bytes.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    /// <summary>The headers every answer of the page carries, assets included.</summary>
    public static void SetHeaders(HttpResponse response, string contentType)
    {
        response.ContentType = contentType;
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";
    }

    /// <summary>An error message in plain words, where the page's content would be.</summary>
    public static HtmlBuilder Error(HtmlBuilder html, string message) =>
        html.Raw("<div class=\"error-message\" role=\"alert\">").Text(message).Raw("</div>");

    private static void NavLink(HtmlBuilder html, string href, string text, string id, bool current)
    {
        html.Raw("<a").Attr("id", id).Attr("href", href);
        if (current)
        {
            html.Raw(" aria-current=\"page\"");
        }

        html.Raw(">").Text(text).Raw("</a>");
    }
}
