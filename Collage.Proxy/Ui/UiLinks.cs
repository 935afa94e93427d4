using System.Text;

namespace Collage.Proxy.Ui;

/// <summary>
/// The page's addresses under its base path. Repository names and tags travel in the query string, so a name's
/// slashes (<c>cool/stuff/app</c>) never mix with the page's own path segments.
/// </summary>
internal sealed class UiLinks(string basePath)
{
    /// <summary>The base path, such as <c>/ui</c>.</summary>
    public string Base { get; } = basePath;

    /// <summary>The mounts page, the page's home.</summary>
    public string Mounts => Base + "/";

    /// <summary>An embedded asset.</summary>
    public string Asset(string file) => $"{Base}/assets/{file}";

    /// <summary>The repositories page, optionally filtered and from a page cursor.</summary>
    public string Repositories(string? query = null, string? last = null) =>
        Build("/repositories", ("q", query), ("last", last));

    /// <summary>A repository's tags.</summary>
    public string Repository(string name, string? sort = null, string? last = null) =>
        Build("/repository", ("name", name), ("sort", sort), ("last", last));

    /// <summary>A tag's (or digest's) manifest.</summary>
    public string Tag(string name, string? tag, string? digest = null) =>
        Build("/tag", ("name", name), ("tag", tag), ("digest", digest));

    private string Build(string page, params (string Key, string? Value)[] query)
    {
        var url = new StringBuilder(Base).Append(page);
        var separator = '?';
        foreach (var (key, value) in query)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            url.Append(separator).Append(key).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return url.ToString();
    }
}
