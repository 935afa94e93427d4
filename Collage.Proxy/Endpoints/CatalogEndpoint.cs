using Collage.Transforms.Access;
using Collage.Transforms.Catalog;
using Collage.Transforms.Mirroring;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http.Features;

namespace Collage.Proxy.Endpoints;

/// <summary>
/// <c>GET /v2/_catalog</c>: the repositories visible from the request's host, merged across its mounts,
/// only those the caller may pull and see listed when access control is on, paged locally with <c>n</c>, <c>last</c>
/// and a <c>Link</c> to the next page.
/// </summary>
internal static class CatalogEndpoint
{
    public static async Task HandleAsync(HttpContext context, CatalogAggregator aggregator)
    {
        // The front door chose the map and parsed the page (and refused an invalid n).
        var feature = context.Features.GetRequiredFeature<RegistryRequestFeature>();
        IEnumerable<string> names = await aggregator.ListAsync(feature.Table, feature.Map, context.RequestAborted);
        if (feature.Table.Access is { } policy)
        {
            // Only what the caller may pull and see listed; the page is cut after filtering, so pages stay full.
            var identity = feature.Identity ?? AccessIdentity.Anonymous;
            const AccessAction Listed = AccessAction.Pull | AccessAction.Catalog;
            names = names.Where(name => (policy.Grants(identity, feature.Map.Name, name) & Listed) == Listed);
        }

        var (entries, more) = feature.Page.Apply(names);
        if (more)
        {
            // The next page must come from the same vhost, so a mirror client's ns goes into the link.
            context.Response.Headers.Link = $"</v2/_catalog?{MirrorNamespace.AppendTo(feature.Page.NextQuery(entries[^1]), feature.MirrorRegistry)}>; rel=\"next\"";
        }

        var body = JsonNameList.Write(name: null, "repositories", entries);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
    }
}
