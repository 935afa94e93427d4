using System.Collections.Concurrent;
using Collage.Transforms.Caching.Serving;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Collage.Transforms.Caching.Listings;

/// <summary>
/// The last good answers of one kind of listing, in memory, per vhost and request target (a page is its own
/// answer), with the buffering that captures them: a listing is small, so it is read whole before Collage decides
/// whether to keep it or stand in for it. A restart forgets them; what they name stays cached.
/// </summary>
internal sealed class ListingAnswers
{
    private const int MaxAnswers = 4096;

    /// <summary>The largest listing kept: a tag page is capped well below, a referrers index at 4 MiB by its reader.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    private readonly ConcurrentDictionary<string, ListingAnswer> _answers = new(StringComparer.Ordinal);

    /// <summary>The key of the listing <paramref name="context"/> asks for: the vhost and the raw target.</summary>
    public static string KeyOf(HttpContext context, RegistryRequestFeature feature) =>
        $"{feature.Map.Name} {context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget}";

    /// <summary>The answer kept under <paramref name="key"/>.</summary>
    public bool TryGet(string key, out ListingAnswer answer) => _answers.TryGetValue(key, out answer!);

    /// <summary>Keeps the 200 answer just written into <paramref name="buffer"/> (never a HEAD's, which has no body).</summary>
    public void KeepIfGood(string key, HttpContext context, MemoryStream buffer, long now)
    {
        var response = context.Response;
        if (response.StatusCode != StatusCodes.Status200OK || HttpMethods.IsHead(context.Request.Method) || buffer.Length > MaxBodyBytes)
        {
            return;
        }

        var headers = response.Headers;
        _answers[key] = new ListingAnswer(
            buffer.ToArray(),
            response.ContentType,
            headers.Link.Count > 0 ? headers.Link.ToString() : null,
            headers.TryGetValue("OCI-Filters-Applied", out var filters) ? filters.ToString() : null,
            now);
        if (_answers.Count > MaxAnswers)
        {
            // Rare (more distinct pages than the cap): drop the oldest tenth in one pass.
            foreach (var old in _answers.OrderBy(a => a.Value.FetchedAt).Take(MaxAnswers / 10).ToArray())
            {
                _answers.TryRemove(old);
            }
        }
    }

    /// <summary>Runs <paramref name="next"/> with the response body captured; the caller sends or replaces it.</summary>
    public static async Task<MemoryStream> RunBufferedAsync(HttpContext context, RequestDelegate next)
    {
        var response = context.Response;
        var original = response.Body;
        var buffer = new MemoryStream();
        response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            response.Body = original;
        }

        return buffer;
    }

    /// <summary>Sends the captured answer as it was written.</summary>
    public static async Task FlushAsync(HttpContext context, MemoryStream buffer)
    {
        var response = context.Response;
        if (!response.HasStarted && buffer.Length > 0)
        {
            response.ContentLength = buffer.Length;
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(response.Body, context.RequestAborted);
    }

    /// <summary>Answers with a kept answer (whatever the upstream's half-answer set goes), marked with <paramref name="outcome"/>.</summary>
    public static async Task WriteAsync(HttpContext context, ListingAnswer answer, CacheOutcome outcome)
    {
        var response = context.Response;
        response.Headers.Clear();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = answer.ContentType;
        if (answer.Link is not null)
        {
            response.Headers.Link = answer.Link;
        }

        if (answer.FiltersApplied is not null)
        {
            response.Headers["OCI-Filters-Applied"] = answer.FiltersApplied;
        }

        response.Headers[ContentResponder.CacheHeader] = CacheOutcomeNames.Header(outcome);
        response.ContentLength = answer.Body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(answer.Body, context.RequestAborted);
        }
    }
}
