using Collage.Proxy.Ui.Manifests;
using Collage.Transforms.Mounts;
using Collage.Transforms.Registry;

namespace Collage.Proxy.Ui.Pages;

/// <summary>
/// One tag (or digest): its digest, media type, total size, created date and labels, the platforms of an index or the
/// layers of an image, its referrers, and the pull commands under the local name, each with a copy button.
/// </summary>
internal sealed class TagPage(MountTableProvider tables, TagLoader loader, UiGate gate, UiLinks links)
{
    public async Task HandleAsync(HttpContext context)
    {
        if (await gate.AdmitAsync(context, tables.Current, links) is null)
        {
            return;
        }

        var name = context.Request.Query["name"].ToString().Trim().Trim('/');
        var tag = context.Request.Query["tag"].ToString();
        var digest = context.Request.Query["digest"].ToString();
        if (!ReferenceGrammar.IsValidName(name) || (tag.Length > 0 ? !ReferenceGrammar.IsValidTag(tag) : !ReferenceGrammar.IsValidDigest(digest)))
        {
            await UiFailure.Message(context, links, StatusCodes.Status400BadRequest, "Not a reference",
                "Name a repository and a tag (such as team/app and v1) or a digest (sha256:...).", "repositories");
            return;
        }

        var reference = tag.Length > 0 ? tag : digest;
        var (details, failure) = await loader.LoadAsync(context, name, reference);
        if (details is null)
        {
            await UiFailure.WriteAsync(context, links, failure!, $"{name}:{reference}", "repositories");
            return;
        }

        var html = UiLayout.Open(links, $"{name}:{reference}", "repositories");
        html.Raw("<p class=\"crumbs\">").Link(links.Repository(name), name).Raw("</p><h1>").Text(tag.Length > 0 ? $"{name}:{tag}" : $"{name}@{digest}").Raw("</h1>");
        Summary(html, details);
        Pull(html, PullCommands.Origin(context, tables.Current), name, tag.Length > 0 ? tag : null, details.Digest);
        if (details.Manifest.IsIndex)
        {
            Platforms(html, name, details);
        }
        else
        {
            Layers(html, details.Manifest);
        }

        Labels(html, details);
        Referrers(html, name, details.Referrers);
        await UiLayout.WriteAsync(context, StatusCodes.Status200OK, UiLayout.Close(html));
    }

    private static void Summary(HtmlBuilder html, TagDetails details)
    {
        html.Raw("<dl class=\"facts\"><dt>Digest</dt><dd id=\"digest\"><code>").Text(details.Digest).Raw("</code></dd>")
            .Raw("<dt>Media type</dt><dd id=\"media-type\">").Text(details.Manifest.MediaType).Raw("</dd>")
            .Raw("<dt>Total size</dt><dd id=\"total-size\"").Attr("data-bytes", details.TotalSize.ToString(System.Globalization.CultureInfo.InvariantCulture)).Raw(">")
            .Text(ByteSize.Format(details.TotalSize)).Raw("</dd>");
        if (details.Config is { } config)
        {
            html.Raw("<dt>Created</dt><dd id=\"created\">").Text(config.Created ?? "not recorded")
                .Text(details.ConfigPlatform is { } p ? $" ({p})" : string.Empty).Raw("</dd>");
            if (!details.Manifest.IsIndex && config.Platform is { } platform)
            {
                html.Raw("<dt>Platform</dt><dd id=\"platform\">").Text(platform).Raw("</dd>");
            }
        }
        else if (details.Manifest.ArtifactType is { } artifact && !details.Manifest.IsIndex)
        {
            html.Raw("<dt>Artifact type</dt><dd id=\"artifact-type\">").Text(artifact).Raw("</dd>");
        }

        html.Raw("</dl>");
    }

    private static void Pull(HtmlBuilder html, (string Host, bool PlainHttp) origin, string name, string? tag, string digest)
    {
        html.Raw("<section id=\"pull\" aria-labelledby=\"pull-title\"><h2 id=\"pull-title\">Pull</h2>");
        foreach (var (client, command) in PullCommands.For(origin.Host, origin.PlainHttp, name, tag, digest))
        {
            html.Raw("<div class=\"pull-command\"").Attr("data-client", client).Raw("><span class=\"client\">").Text(client).Raw("</span><code>").Text(command)
                .Raw("</code><button type=\"button\" class=\"copy\"").Attr("data-copy", command).Attr("aria-label", $"Copy the {client} command").Raw(">Copy</button></div>");
        }

        html.Raw("</section>");
    }

    private void Platforms(HtmlBuilder html, string name, TagDetails details)
    {
        html.Raw("<h2>Platforms</h2><div class=\"scroll\"><table id=\"platforms\"><thead><tr><th scope=\"col\">Platform</th><th scope=\"col\">Digest</th><th scope=\"col\" class=\"num\">Size</th></tr></thead><tbody>");
        foreach (var (entry, size) in details.Platforms)
        {
            html.Raw("<tr class=\"platform\"").Attr("data-platform", entry.Platform ?? string.Empty).Attr("data-digest", entry.Digest)
                .Attr("data-size", size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty).Raw("><td>")
                .Link(links.Tag(name, null, entry.Digest), entry.Platform is { Length: > 0 } p ? p : entry.MediaType)
                .Raw("</td><td>").Raw(ShortDigest(entry.Digest)).Raw("</td><td class=\"num\">").Text(size is { } s ? ByteSize.Format(s) : "unreadable").Raw("</td></tr>");
        }

        html.Raw("</tbody></table></div>");
    }

    private static void Layers(HtmlBuilder html, UiManifest manifest)
    {
        html.Raw("<h2>Layers</h2><div class=\"scroll\"><table id=\"layers\"><thead><tr><th scope=\"col\">#</th><th scope=\"col\">Digest</th><th scope=\"col\" class=\"media-type\">Media type</th><th scope=\"col\" class=\"num\">Size</th></tr></thead><tbody>");
        var index = 0;
        foreach (var layer in manifest.Entries)
        {
            html.Raw("<tr class=\"layer\"").Attr("data-digest", layer.Digest).Attr("data-size", layer.Size.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Attr("data-media-type", layer.MediaType).Raw("><td>").Number(++index).Raw("</td><td>").Raw(ShortDigest(layer.Digest)).Raw("</td><td class=\"media-type\">")
                .Text(layer.MediaType).Raw("</td><td class=\"num\">").Text(ByteSize.Format(layer.Size)).Raw("</td></tr>");
        }

        html.Raw("</tbody></table></div>");
    }

    private static void Labels(HtmlBuilder html, TagDetails details)
    {
        if (details.Config is not { Labels.Count: > 0 } config)
        {
            return;
        }

        html.Raw("<h2>Labels").Text(details.ConfigPlatform is { } platform ? $" of {platform}" : string.Empty).Raw("</h2><div class=\"scroll\"><table id=\"labels\"><tbody>");
        foreach (var (key, value) in config.Labels)
        {
            html.Raw("<tr class=\"label\"").Attr("data-key", key).Raw("><th scope=\"row\">").Text(key).Raw("</th><td class=\"value\">").Text(value).Raw("</td></tr>");
        }

        html.Raw("</tbody></table></div>");
    }

    private void Referrers(HtmlBuilder html, string name, IReadOnlyList<UiDescriptor> referrers)
    {
        html.Raw("<h2>Referrers</h2>");
        if (referrers.Count == 0)
        {
            html.Raw("<p id=\"no-referrers\">No signatures, SBOMs or other artifacts refer to this manifest.</p>");
            return;
        }

        html.Raw("<div class=\"scroll\"><table id=\"referrers\"><thead><tr><th scope=\"col\">Artifact type</th><th scope=\"col\">Digest</th><th scope=\"col\" class=\"num\">Size</th></tr></thead><tbody>");
        foreach (var referrer in referrers)
        {
            html.Raw("<tr class=\"referrer\"").Attr("data-digest", referrer.Digest).Attr("data-artifact-type", referrer.ArtifactType ?? string.Empty).Raw("><td>")
                .Text(referrer.ArtifactType ?? referrer.MediaType).Raw("</td><td>").Link(links.Tag(name, null, referrer.Digest), referrer.Digest)
                .Raw("</td><td class=\"num\">").Text(ByteSize.Format(referrer.Size)).Raw("</td></tr>");
        }

        html.Raw("</tbody></table></div>");
    }

    // A table cell shows the digest's first 12 hex digits, as docker and podman do; the whole one is its title, the
    // row's data-digest and, on the manifest's own page, its heading.
    private static string ShortDigest(string digest)
    {
        var colon = digest.IndexOf(':', StringComparison.Ordinal);
        var shown = colon > 0 && digest.Length > colon + 13 ? $"{digest[..(colon + 13)]}\u2026" : digest;
        return new HtmlBuilder().Raw("<code").Attr("title", digest).Raw(">").Text(shown).Raw("</code>").ToString();
    }
}
