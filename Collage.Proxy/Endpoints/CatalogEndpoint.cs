using System.Text.Json;
using Collage.Transforms.Catalog;
using Collage.Transforms.Mounts;
using Collage.Transforms.Registry;

namespace Collage.Proxy.Endpoints;

/// <summary>
/// <c>GET /v2/_catalog</c>: the repositories visible from the request's host, merged across its mounts,
/// paged locally with <c>n</c>, <c>last</c> and a <c>Link</c> to the next page.
/// </summary>
internal static class CatalogEndpoint
{
    public static async Task HandleAsync(HttpContext context, MountTableProvider tables, CatalogAggregator aggregator)
    {
        // The gateway middleware has already refused an invalid n.
        _ = PageRequest.TryParse(context.Request.Query, out var page);
        var names = await aggregator.ListAsync(tables.Current.Select(context.Request.Host), context.RequestAborted);
        var (entries, more) = page.Apply(names);
        if (more)
        {
            context.Response.Headers.Link = $"</v2/_catalog?{page.NextQuery(entries[^1])}>; rel=\"next\"";
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
