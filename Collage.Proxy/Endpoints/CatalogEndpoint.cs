using System.Text.Json;
using Collage.Proxy.Registry;
using Collage.Transforms.Catalog;
using Collage.Transforms.Mirroring;
using Collage.Transforms.Mounts;
using Collage.Transforms.Registry;

namespace Collage.Proxy.Endpoints;

/// <summary>
/// <c>GET /v2/_catalog</c>: the repositories visible from the request's host, merged across its mounts,
/// paged locally with <c>n</c>, <c>last</c> and a <c>Link</c> to the next page.
/// </summary>
internal static class CatalogEndpoint
{
    public static async Task HandleAsync(HttpContext context, MountTableProvider tables, MountMapSelector selector, CatalogAggregator aggregator)
    {
        // The gateway middleware has already refused an invalid n.
        _ = PageRequest.TryParse(context.Request.Query, out var page);
        var names = await aggregator.ListAsync(selector.Select(tables.Current, context.Request), context.RequestAborted);
        var (entries, more) = page.Apply(names);
        if (more)
        {
            // The next page must come from the same vhost, so a mirror client's ns goes into the link.
            _ = MirrorNamespace.TryGet(context.Request.Query, out var registryHost);
            context.Response.Headers.Link = $"</v2/_catalog?{MirrorNamespace.AppendTo(page.NextQuery(entries[^1]), registryHost)}>; rel=\"next\"";
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("repositories");
            foreach (var name in entries)
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
        }
    }
}
