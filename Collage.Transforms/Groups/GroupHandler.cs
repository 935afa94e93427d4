using Collage.Transforms.Mounts;
using Collage.Transforms.Upstreams;
using Polly.CircuitBreaker;

namespace Collage.Transforms.Groups;

/// <summary>
/// The client of every upstream group: sends a request to the group's members in order, each through its own
/// client and handler chain (its own token dance, so a token never reaches another member) and its circuit breaker,
/// and returns the first answer. A member that does not answer (refused, reset, no headers within
/// <c>http.responseHeaderTimeout</c> while a later member exists) or fails (5xx, 429) passes the request on, as does
/// one that lacks the content (404), so the group serves the union of its members. Reads only, so sending again is
/// safe; the caller's token is the one overall deadline. The client sees a 404 only when every member said so, and a
/// member's failure only when no member answered with the content.
/// </summary>
internal sealed class GroupHandler(UpstreamClientFactory clients, MemberHealth health, GroupLog log) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = UpstreamCall.Of(request);
        var route = call?.Group ?? throw new InvalidOperationException("A group request carries its route.");
        var table = route.Feature.Table;
        var prefix = $"/v2/{call.Repository}/";
        var path = request.RequestUri!.AbsolutePath;
        var rest = path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : null;
        var candidates = rest is null ? [route.Feature.Resolved] : route.Candidates(rest.Contains('/') ? rest[(rest.LastIndexOf('/') + 1)..] : null);

        MemberAttempt? missing = null, failed = null;
        Exception? error = null;
        var skipped = false;
        for (var i = 0; i < candidates.Count; i++)
        {
            var member = candidates[i];
            var hasNext = i < candidates.Count - 1;
            var breaker = health.For(table, member.Upstream);
            var attempt = member.UpstreamName == call.Repository && member.Upstream.BaseUri.Authority == request.RequestUri.Authority
                ? request
                : Clone(request, call, route, member, rest!);
            HttpResponseMessage response;
            try
            {
                // A member with members after it gets the response-header timeout, so one that accepts connections and never
                // answers costs that long once; the last member is bounded by the caller's deadline only.
                var client = clients.GetClient(table, member.Upstream);
                response = await breaker.SendAsync(
                    token => MemberRequest.SendAsync(client, attempt, hasNext ? table.Http.ResponseHeaderTimeout : null, token), cancellationToken);
            }
            catch (BrokenCircuitException)
            {
                // Open (Polly answers without calling the member), or half-open with its one probe in flight: skipped.
                skipped = true;
                continue;
            }
            catch (Exception ex) when (MemberOutcome.IsNoAnswer(ex))
            {
                error = ex;
                log.FailedOver(route.Mount.GroupId, member.Upstream.Authority, hasNext ? candidates[i + 1].Upstream.Authority : "-", ex.GetType().Name);
                continue;
            }

            var status = (int)response.StatusCode;
            if (MemberOutcome.IsFailureStatus(status))
            {
                Replace(ref failed, new MemberAttempt(member, response));
                log.FailedOver(route.Mount.GroupId, member.Upstream.Authority, hasNext ? candidates[i + 1].Upstream.Authority : "-", $"status {status}");
                continue;
            }

            if (status == 404)
            {
                // Not on this member: the union may have it on the next.
                Replace(ref missing, new MemberAttempt(member, response));
                continue;
            }

            missing?.Response.Dispose();
            failed?.Response.Dispose();
            route.Answered(member);
            return response;
        }

        // No member answered with the content. "Not there" is the answer only when every member said so: a member
        // that failed, gave no answer or was skipped may hold it, and a 404 then would make the cache forget a tag
        // during that member's outage instead of serving it stale. The last member's failure is the answer then.
        if (failed is null && error is null && !skipped && missing is not null)
        {
            route.Answered(missing.Member);
            return missing.Response;
        }

        missing?.Response.Dispose();
        if (failed is not null)
        {
            route.Answered(failed.Member);
            return failed.Response;
        }

        throw error ?? new HttpRequestException(HttpRequestError.ConnectionError, "Every member of the group is skipped by its circuit breaker.");
    }

    // The same request for another member: its base URI and repository name, the same allow-listed headers, never an
    // Authorization (each member's own chain adds its own credentials).
    private static HttpRequestMessage Clone(HttpRequestMessage request, UpstreamCall call, GroupRoute route, MountResolution member, string rest)
    {
        var uri = new Uri(member.Upstream.BaseUri, $"/v2/{member.UpstreamName}/{rest}{request.RequestUri!.Query}");
        var clone = new HttpRequestMessage(request.Method, uri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var header in request.Headers)
        {
            if (!string.Equals(header.Key, "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                clone.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return (call with { Repository = member.UpstreamName, Group = route }).On(clone);
    }

    private static void Replace(ref MemberAttempt? slot, MemberAttempt attempt)
    {
        slot?.Response.Dispose();
        slot = attempt;
    }
}
