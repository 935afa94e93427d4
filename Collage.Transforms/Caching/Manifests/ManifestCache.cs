using Collage.Transforms.Caching.Serving;
using Collage.Transforms.Caching.Storage;
using Collage.Transforms.Registry;
using Collage.Transforms.Rewriting;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Caching.Manifests;

/// <summary>
/// Answers manifest requests through the cache. By digest: immutable, stored once verified against the digest, served
/// to a repository that fetched or listed it. By tag: the answer (digest and media type per <c>Accept</c>) is served
/// without asking for <c>tagTtl</c>, then revalidated with a HEAD, the body fetched only when the digest changed; while
/// the upstream fails (unreachable, timeout, 5xx, 429) a cached answer is served for <c>staleIfError</c> more. A 404
/// from a healthy upstream means the tag is gone.
/// </summary>
internal sealed class ManifestCache(PullThroughCache cache, ManifestUpstream upstream, ManifestWriter writer)
{
    private const string Kind = "manifest";

    private readonly SingleFlight<ManifestFetch> _gets = new();
    private readonly SingleFlight<ManifestFetch> _heads = new();

    /// <summary>Answers the manifest request in <paramref name="feature"/>, or hands it to <paramref name="next"/>.</summary>
    public async Task ServeAsync(HttpContext context, RegistryRequestFeature feature, CachePolicy policy, RequestDelegate next)
    {
        var reference = feature.ResolvedRequest.Reference!;
        var repository = CacheUpstream.RepositoryOf(feature);
        var accept = context.Request.Headers.Accept;
        var acceptValue = accept.Count == 0 ? null : accept.ToString();
        var aborted = context.RequestAborted;
        if (reference.Contains(':', StringComparison.Ordinal))
        {
            if (!ContentDigest.TryGetSha256(reference, out var hex))
            {
                await next(context);
                return;
            }

            if (cache.Index.IsGranted(hex, repository) && await TryServeStoredAsync(context, feature, hex, null, CacheOutcome.Hit))
            {
                return;
            }

            await AnswerAsync(context, feature, next, await GetAsync($"{repository}@{hex}|{AcceptKey.Of(accept)}", feature, acceptValue, hex, aborted), repository, tagKey: null, stale: null, policy);
            return;
        }

        var key = $"{repository}:{reference}|{AcceptKey.Of(accept)}";
        var answer = cache.Index.GetTag(key);
        var now = cache.Time.GetUtcNow().ToUnixTimeMilliseconds();
        if (cache.SharedTags is { } shared && (answer is null || TimeSpan.FromMilliseconds(now - answer.FetchedAt) >= policy.TagTtl))
        {
            // Another replica may have revalidated it: one round trip to Redis instead of a HEAD upstream.
            // Taken only when this replica holds the manifest: without it the answer would cost a HEAD and a GET.
            var freshest = await shared.FreshestAsync(key, answer, aborted);
            if (freshest is not null && !ReferenceEquals(freshest, answer) && Holds(freshest.Hex))
            {
                cache.Index.PutTag(key, freshest);
                answer = freshest;
            }
        }

        if (answer is not null)
        {
            var age = TimeSpan.FromMilliseconds(now - answer.FetchedAt);
            if (age < policy.TagTtl && await TryServeStoredAsync(context, feature, answer.Hex, answer.MediaType, CacheOutcome.Hit))
            {
                return;
            }

            var stale = age <= policy.TagTtl + policy.StaleIfError ? answer : null;
            var probe = await _heads.RunAsync(key, () => upstream.HeadAsync(feature, acceptValue, cache.Stopping), aborted);
            if (probe is ManifestFetch.Found found && found.Hex == answer.Hex
                && await TryServeStoredAsync(context, feature, answer.Hex, answer.MediaType, CacheOutcome.Hit))
            {
                PutTag(key, answer with { FetchedAt = now }, policy);
                return;
            }

            if (probe.IsFailure || probe is ManifestFetch.Refused { Status: 404 })
            {
                await AnswerAsync(context, feature, next, probe, repository, key, stale, policy);
                return;
            }

            await AnswerAsync(context, feature, next, await GetAsync(key, feature, acceptValue, null, aborted), repository, key, stale, policy);
            return;
        }

        await AnswerAsync(context, feature, next, await GetAsync(key, feature, acceptValue, null, aborted), repository, key, stale: null, policy);
    }

    // One fetch per manifest key at a time, shared by the clients asking meanwhile (the fetch runs on without them).
    private Task<ManifestFetch> GetAsync(string key, RegistryRequestFeature feature, string? accept, string? expectedHex, CancellationToken aborted) =>
        _gets.RunAsync(key, () => upstream.GetAsync(feature, accept, expectedHex, cache.Stopping), aborted);

    private bool Holds(string hex)
    {
        if (cache.Index.TryPin(hex) is not { } content)
        {
            return false;
        }

        content.Unpin();
        return true;
    }

    private void PutTag(string key, TagAnswer answer, CachePolicy policy)
    {
        cache.Index.PutTag(key, answer);
        cache.SharedTags?.Put(key, answer, policy.TagTtl + policy.StaleIfError);
    }

    private async Task AnswerAsync(HttpContext context, RegistryRequestFeature feature, RequestDelegate next, ManifestFetch fetch, string repository, string? tagKey, TagAnswer? stale, CachePolicy policy)
    {
        switch (fetch)
        {
            case ManifestFetch.Found { Body: { } body } found:
                writer.Store(found.Hex, found.MediaType, body, repository);
                if (tagKey is not null)
                {
                    PutTag(tagKey, new TagAnswer(found.Hex, found.MediaType, cache.Time.GetUtcNow().ToUnixTimeMilliseconds()), policy);
                }

                Answered(feature, CacheOutcome.Miss);
                await ManifestWriter.WriteAsync(context, found.Hex, found.MediaType, body, CacheOutcome.Miss);
                return;

            case { IsFailure: true } when stale is not null
                && await TryServeStoredAsync(context, feature, stale.Hex, stale.MediaType, CacheOutcome.Stale):
                cache.Log.ServedStale(feature.Resolved.Upstream.Authority, feature.ResolvedRequest.Name, Describe(fetch));
                return;

            case ManifestFetch.Refused refused:
                if (refused.Status == 404 && tagKey is not null)
                {
                    cache.Index.DeleteTag(tagKey);
                    cache.SharedTags?.Delete(tagKey);
                }

                if (refused.RetryAfter is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = retryAfter;
                }

                await UpstreamErrorMapper.Map(refused.Status, feature.ResolvedRequest, refused.Body).WriteAsync(context);
                return;

            case ManifestFetch.Unreachable unreachable:
                await (unreachable.TimedOut ? OciErrors.UpstreamTimedOut() : OciErrors.UpstreamUnreachable()).WriteAsync(context);
                return;

            case ManifestFetch.Mismatch:
                await new OciError(StatusCodes.Status502BadGateway, "UNAVAILABLE", "the upstream registry sent a manifest that does not match its digest").WriteAsync(context);
                return;

            default:
                // Too large to keep as a manifest, a signed schema 1 manifest, or a HEAD's answer where a body was needed: forward it.
                await next(context);
                return;
        }
    }

    private async Task<bool> TryServeStoredAsync(HttpContext context, RegistryRequestFeature feature, string hex, string? mediaType, CacheOutcome outcome)
    {
        if (cache.Index.TryPin(hex) is not { } content)
        {
            return false;
        }

        try
        {
            if ((mediaType ?? content.ManifestMediaType) is not { } type || cache.Store.TryOpen(hex, content.Size) is not { } file)
            {
                return false;
            }

            // Straight from the file into the response: a warm tag is read at tens of thousands of requests a second,
            // and a buffer per answer was most of their garbage.
            using (file)
            {
                Answered(feature, outcome);
                if (ContentResponder.WriteHead(context, hex, content.Size, type, outcome) is { } range)
                {
                    cache.Metrics.ServedFromCache(await ContentResponder.CopyFileAsync(context, file, range));
                }
            }

            return true;
        }
        finally
        {
            content.Unpin();
        }
    }

    private static string Describe(ManifestFetch fetch) => fetch switch
    {
        ManifestFetch.Refused refused => $"status {refused.Status}",
        ManifestFetch.Unreachable { TimedOut: true } => "timed out",
        _ => "unreachable",
    };

    private void Answered(RegistryRequestFeature feature, CacheOutcome outcome)
    {
        feature.CacheOutcome = outcome;
        cache.Metrics.Answered(Kind, outcome);
    }
}
