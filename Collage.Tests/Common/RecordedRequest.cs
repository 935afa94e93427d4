using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Collage.Tests.Common;

/// <summary>What a <see cref="LoopbackServer"/> saw of one request, kept after the request is gone.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The (unescaped) request path.</param>
/// <param name="QueryString">The query string, with its leading <c>?</c>, as it arrived.</param>
/// <param name="Headers">Every header, by case-insensitive name, multiple values joined by commas.</param>
internal sealed record RecordedRequest(string Method, string Path, QueryString QueryString, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>Path and query as the request target carried them, e.g. <c>/v2/a/tags/list?n=10</c>.</summary>
    public string PathAndQuery => new PathString(Path) + QueryString;

    /// <summary>The query string, parsed.</summary>
    public IQueryCollection Query => new QueryCollection(QueryHelpers.ParseQuery(QueryString.Value));

    public bool HasHeader(string name) => Headers.ContainsKey(name);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public static RecordedRequest From(HttpRequest request) => new(
        request.Method,
        request.Path.Value ?? string.Empty,
        request.QueryString,
        request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
}
