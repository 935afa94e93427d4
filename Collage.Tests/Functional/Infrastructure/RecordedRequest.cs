using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Infrastructure;

/// <summary>What a fake server saw of one request.</summary>
internal sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers)
{
    public static RecordedRequest From(HttpRequest request) => new(
        request.Method,
        request.Path + request.QueryString,
        request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
}
