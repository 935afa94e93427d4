using System.Collections.Concurrent;
using Collage.Transforms.Caching.Serving;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Collage.Transforms.Caching.Listings;

/// <summary>
/// Stale-if-error for <c>tags/list</c>: every listing is still asked of the upstream (a tag list has no digest to
/// revalidate against, and a short one costs little), but the last good answer for the same page is kept in memory and
/// served, marked STALE, while the upstream fails (unreachable, timeout, 5xx, 429) within the upstream's
/// <c>tagTtl + staleIfError</c>. The forwarded answer is buffered to decide; tag lists are capped small by the
/// rewriter anyway. Kept in memory only: a restart forgets them, the tags' manifests stay cached.
/// </summary>
internal sealed class TagListCache(PullThroughCache cache)
{
    private const int MaxAnswers = 4096;
    private const int MaxBodyBytes = 1024 * 1024;

    private readonly ConcurrentDictionary<string, TagListAnswer> _answers = new(StringComparer.Ordinal);

    /// <summary>Forwards the listing in <paramref name="feature"/> through <paramref name="next"/>, standing in for a failure.</summary>
    public async Task ServeAsync(HttpContext context, RegistryRequestFeature feature, CachePolicy policy, RequestDelegate next)
    {
        var response = context.Response;
        var key = $"{feature.Map.Name} {context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget}";
        var original = response.Body;
        using var buffer = new MemoryStream();
        response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            response.Body = original;
        }

        var now = cache.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var status = response.StatusCode;
        if (status == StatusCodes.Status200OK && !HttpMethods.IsHead(context.Request.Method) && buffer.Length <= MaxBodyBytes)
        {
            Keep(key, new TagListAnswer(buffer.ToArray(), response.ContentType, response.Headers.Link.ToString() is { Length: > 0 } link ? link : null, now));
        }
        else if (CachePolicy.IsUpstreamFailure(status)
            && _answers.TryGetValue(key, out var stale)
            && TimeSpan.FromMilliseconds(now - stale.FetchedAt) <= policy.TagTtl + policy.StaleIfError)
        {
            await WriteStaleAsync(context, feature, stale, status);
            return;
        }

        if (!response.HasStarted && buffer.Length > 0)
        {
            response.ContentLength = buffer.Length;
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private async Task WriteStaleAsync(HttpContext context, RegistryRequestFeature feature, TagListAnswer stale, int status)
    {
        var response = context.Response;
        response.Headers.Clear();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = stale.ContentType;
        if (stale.Link is not null)
        {
            response.Headers.Link = stale.Link;
        }

        response.Headers[ContentResponder.CacheHeader] = CacheOutcomeNames.Header(CacheOutcome.Stale);
        response.ContentLength = stale.Body.Length;
        feature.CacheOutcome = CacheOutcome.Stale;
        cache.Metrics.Answered("tags", CacheOutcome.Stale);
        cache.Log.ServedStale(feature.Resolved.Upstream.Authority, feature.ResolvedRequest.Name, $"status {status}");
        await response.Body.WriteAsync(stale.Body, context.RequestAborted);
    }

    private void Keep(string key, TagListAnswer answer)
    {
        _answers[key] = answer;
        if (_answers.Count > MaxAnswers)
        {
            // Rare (more distinct pages than the cap): drop the oldest tenth in one pass.
            foreach (var old in _answers.OrderBy(a => a.Value.FetchedAt).Take(MaxAnswers / 10).ToArray())
            {
                _answers.TryRemove(old);
            }
        }
    }
}
