using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Authentication;

/// <summary>What a fake server was sent, kept after the request is gone.</summary>
internal sealed record HttpRequestSnapshot(string Method, string Path, QueryString QueryString, IReadOnlyDictionary<string, string> Headers)
{
    public IQueryCollection Query => new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(QueryString.Value));

    public static HttpRequestSnapshot From(HttpRequest request) => new(
        request.Method,
        request.Path.Value ?? "",
        request.QueryString,
        request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
}
