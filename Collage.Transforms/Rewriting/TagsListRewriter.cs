using Collage.Transforms.Mirroring;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Transforms;

namespace Collage.Transforms.Rewriting;

/// <summary>
/// Rewrites a <c>tags/list</c> answer: the local name, <c>[]</c> for no tags, and the spec's paging
/// (at most <c>n</c>, lexical order, <c>Link</c> to the next page) even where the upstream ignores
/// <c>n</c> and <c>last</c>, as distribution 2.8 does.
/// </summary>
internal static class TagsListRewriter
{
    /// <summary>Tag lists of big repositories are a few hundred KiB; anything past this is refused.</summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    public static async ValueTask RewriteAsync(ResponseTransformContext context, RegistryRequestFeature feature, string? upstreamLink)
    {
        var httpContext = context.HttpContext;
        var body = await BoundedContent.ReadAsync(context.ProxyResponse!.Content, MaxBodyBytes, httpContext.RequestAborted);
        List<string> tags = [];
        if (body is null || !JsonNameList.TryRead(body, "tags", tags))
        {
            await new OciError(StatusCodes.Status502BadGateway, "UNAVAILABLE", "the upstream registry sent an invalid tag list").WriteAsync(httpContext);
            return;
        }

        var page = feature.Page;
        var (entries, more) = page.Apply(tags);
        var localName = feature.ResolvedRequest.Name;
        var response = httpContext.Response;
        // The next page must come from the same vhost, so a mirror client's ns goes into the link.
        var registryHost = feature.MirrorRegistry;
        if (more)
        {
            response.Headers.Link = $"</v2/{localName}/tags/list?{MirrorNamespace.AppendTo(page.NextQuery(entries[^1]), registryHost)}>; rel=\"next\"";
        }
        else if (upstreamLink is not null && entries.Count > 0)
        {
            var rewritten = LinkRewriter.RewriteLinkHeader(upstreamLink, feature.Resolved.Upstream, feature.Resolved.UpstreamName, localName, registryHost);
            if (rewritten is not null)
            {
                response.Headers.Link = rewritten;
            }
        }

        var json = Serialize(localName, entries);
        response.ContentType = "application/json";
        response.ContentLength = json.Length;
        if (!HttpMethods.IsHead(httpContext.Request.Method))
        {
            await response.Body.WriteAsync(json, httpContext.RequestAborted);
        }
    }

    /// <summary>The body of a tag list: the local name and the tags in the order given.</summary>
    internal static byte[] Serialize(string name, IReadOnlyList<string> tags) => JsonNameList.Write(name, "tags", tags);
}
