using Collage.Transforms.Mirroring;
using Collage.Transforms.Mounts;
using Collage.Transforms.Registry;
using Collage.Transforms.Rewriting;
using Collage.Transforms.Upstreams;
using Microsoft.AspNetCore.Http;
using Polly.CircuitBreaker;

namespace Collage.Transforms.Groups;

/// <summary>
/// <c>tags/list</c> of an upstream group: every member that may answer by tag (all of them, or the first under
/// <c>primary-only</c>) is asked at once for its whole list (following its own <c>Link</c> pages), and the lists are
/// merged, sorted, deduplicated and paged by Collage (<c>n</c>, <c>last</c>, <c>Link</c>), as the spec pages a list. A
/// member that fails is left out; the answer is an error only when no member listed the repository.
/// </summary>
internal sealed class GroupTagLister(UpstreamClientFactory clients, MemberHealth health)
{
    /// <summary>At most this many pages are read from one member.</summary>
    private const int MaxPages = 100;

    /// <summary>Answers the tag list in <paramref name="feature"/> (a group's repository).</summary>
    public async Task ServeAsync(HttpContext context, RegistryRequestFeature feature)
    {
        var members = new GroupRoute(feature).Candidates("list");
        var answers = await Task.WhenAll(members.Select(member => ListAsync(feature, member, hasNext: members.Count > 1, context.RequestAborted)));
        var listed = answers.OfType<MemberTags.Listed>().ToList();
        if (listed.Count == 0)
        {
            await FailAsync(context, feature, answers);
            return;
        }

        var page = feature.Page;
        var (entries, more) = page.Apply(listed.SelectMany(l => l.Tags));
        var localName = feature.ResolvedRequest.Name;
        var response = context.Response;
        if (more)
        {
            response.Headers.Link = $"</v2/{localName}/tags/list?{MirrorNamespace.AppendTo(page.NextQuery(entries[^1]), feature.MirrorRegistry)}>; rel=\"next\"";
        }

        var json = TagsListRewriter.Serialize(localName, entries);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = json.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(json, context.RequestAborted);
        }
    }

    private static Task FailAsync(HttpContext context, RegistryRequestFeature feature, MemberTags[] answers)
    {
        if (answers.All(a => a is MemberTags.Missing))
        {
            return OciErrors.NameUnknown(feature.ResolvedRequest.Name).WriteAsync(context);
        }

        var failed = answers.OfType<MemberTags.Failed>().Last();
        if (failed.Status == 0)
        {
            return (failed.TimedOut ? OciErrors.UpstreamTimedOut() : OciErrors.UpstreamUnreachable()).WriteAsync(context);
        }

        if (failed.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        return UpstreamErrorMapper.Map(failed.Status, feature.ResolvedRequest, []).WriteAsync(context);
    }

    private async Task<MemberTags> ListAsync(RegistryRequestFeature feature, MountResolution member, bool hasNext, CancellationToken aborted)
    {
        var table = feature.Table;
        var breaker = health.For(table, member.Upstream);
        var tags = new List<string>();
        var path = $"/v2/{member.UpstreamName}/tags/list";
        for (var pages = 0; pages < MaxPages && path is not null; pages++)
        {
            using var request = new UpstreamCall(RegistryRequestKind.Tags, member.UpstreamName)
                .On(new HttpRequestMessage(HttpMethod.Get, new Uri(member.Upstream.BaseUri, path)));
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            try
            {
                // The client's abort is the only other bound here, so the last member gets the activity timeout.
                var client = clients.GetClient(table, member.Upstream);
                using var response = await breaker.SendAsync(
                    token => MemberRequest.SendAsync(client, request, hasNext ? table.Http.ResponseHeaderTimeout : table.Http.ActivityTimeout, token), aborted);
                var status = (int)response.StatusCode;
                if (status == StatusCodes.Status404NotFound && pages == 0)
                {
                    return new MemberTags.Missing();
                }

                if (status != StatusCodes.Status200OK)
                {
                    return new MemberTags.Failed(status, TimedOut: false, response.Headers.RetryAfter?.ToString());
                }

                using var activity = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                var body = await BoundedContent.ReadAsync(response.Content, TagsListRewriter.MaxBodyBytes, activity, table.Http.ActivityTimeout);
                if (body is null || !JsonNameList.TryRead(body, "tags", tags))
                {
                    return new MemberTags.Failed(StatusCodes.Status502BadGateway, TimedOut: false, null);
                }

                path = NextPage(response, member);
            }
            catch (BrokenCircuitException)
            {
                return new MemberTags.Failed(0, TimedOut: false, null);
            }
            catch (Exception ex) when (MemberOutcome.IsNoAnswer(ex) || (ex is OperationCanceledException && !aborted.IsCancellationRequested))
            {
                return new MemberTags.Failed(0, TimedOut: ex is TimeoutException or OperationCanceledException, null);
            }
        }

        return new MemberTags.Listed(tags);
    }

    // A member's next page, followed only within its own tag list (a Link elsewhere is not followed).
    private static string? NextPage(HttpResponseMessage response, MountResolution member)
    {
        if (!response.Headers.NonValidated.TryGetValues("Link", out var values))
        {
            return null;
        }

        var prefix = $"/v2/{member.UpstreamName}/tags/list?";
        foreach (var link in LinkHeader.Parse(values.ToString()))
        {
            if (link.Parameters.Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase) || link.Parameters.Contains("rel=next", StringComparison.OrdinalIgnoreCase))
            {
                // Resolved against the member (distribution sends a relative </v2/...>; on Unix a bare path would
                // parse as an absolute file: URI), and followed only on the member's own origin.
                var origin = member.Upstream.BaseUri;
                if (!Uri.TryCreate(origin, link.Target, out var uri)
                    || !string.Equals(uri.Scheme, origin.Scheme, StringComparison.OrdinalIgnoreCase)
                    || !string.Equals(uri.Authority, origin.Authority, StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                var target = uri.PathAndQuery;
                return target.StartsWith(prefix, StringComparison.Ordinal) ? target : null;
            }
        }

        return null;
    }
}
