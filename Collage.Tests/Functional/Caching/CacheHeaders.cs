namespace Collage.Tests.Functional.Caching;

/// <summary>Reads the headers a cache answer carries.</summary>
internal static class CacheHeaders
{
    /// <summary>The response's <c>X-Cache</c>, or null.</summary>
    public static string? XCache(this HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Cache", out var values) ? string.Join(',', values) : null;

    /// <summary>The response's <c>Docker-Content-Digest</c>, or null.</summary>
    public static string? ContentDigest(this HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? string.Join(',', values) : null;

    /// <summary>The response's <c>Content-Type</c> as sent, or null.</summary>
    public static string? MediaType(this HttpResponseMessage response) => response.Content.Headers.ContentType?.ToString();
}
