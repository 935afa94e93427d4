using Collage.Transforms.Diagnostics;
using Collage.Transforms.Mounts;
using Collage.Transforms.Registry;
using Collage.Transforms.Rewriting;
using Collage.Transforms.Upstreams;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Catalog;

/// <summary>
/// Builds <c>_catalog</c> for one mount map: every upstream's catalog, mapped back to local names on
/// segment boundaries, merged, sorted and without duplicates. An upstream that refuses its catalog
/// (Docker Hub and quay.io answer 401 or 404) is left out, not fatal.
/// </summary>
internal sealed partial class CatalogAggregator(UpstreamClientFactory clients, ILogger<CatalogAggregator> logger)
{
    private const int UpstreamPageSize = 1000;
    private const int MaxUpstreamPages = 100;
    private const int MaxPageBytes = 16 * 1024 * 1024;

    /// <summary>The sorted local repository names visible through <paramref name="map"/> of <paramref name="table"/>.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(MountTable table, MountMap map, CancellationToken cancellationToken)
    {
        // Every member of every group too: a group serves the union of its members, its catalog included.
        var upstreams = map.Mounts.SelectMany(m => m.Members).Select(m => m.Upstream).DistinctBy(u => u.Id).ToArray();
        var catalogs = await Task.WhenAll(upstreams.Select(u => FetchAsync(table, u, cancellationToken)));

        var names = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < upstreams.Length; i++)
        {
            foreach (var repository in catalogs[i])
            {
                names.UnionWith(map.ToLocalNames(upstreams[i], repository));
            }
        }

        return names.ToArray();
    }

    private async Task<List<string>> FetchAsync(MountTable table, Upstream upstream, CancellationToken cancellationToken)
    {
        var repositories = new List<string>();
        var client = clients.GetClient(table, upstream);
        var next = new Uri(upstream.BaseUri, $"v2/_catalog?n={UpstreamPageSize}");
        try
        {
            for (var page = 0; page < MaxUpstreamPages && next is not null; page++)
            {
                using var request = UpstreamCall.Catalog.On(new HttpRequestMessage(HttpMethod.Get, next));
                request.Headers.Accept.ParseAdd("application/json");
                using var response = await client.SendAsync(request, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    LogCatalogRefused(logger, upstream.Authority, (int)response.StatusCode);
                    return repositories;
                }

                var body = await BoundedContent.ReadAsync(response.Content, MaxPageBytes, cancellationToken);
                if (body is null || !JsonNameList.TryRead(body, "repositories", repositories))
                {
                    LogCatalogInvalid(logger, upstream.Authority);
                    return repositories;
                }

                next = NextPage(upstream, response);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogCatalogUnreachable(logger, upstream.Authority, ex.GetType().Name);
        }

        return repositories;
    }

    private static Uri? NextPage(Upstream upstream, HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        // Link: </v2/_catalog?last=x&n=1000>; rel="next" (distribution). Only a link back into the same
        // upstream's catalog is followed: a response must not make Collage call another host.
        if (LinkHeader.Parse(links.First()).FirstOrDefault() is not { Target: { } target })
        {
            return null;
        }

        return Uri.TryCreate(upstream.BaseUri, target, out var uri)
            && uri.Authority == upstream.BaseUri.Authority && uri.Scheme == upstream.BaseUri.Scheme
            && uri.AbsolutePath == "/v2/_catalog"
            ? uri
            : null;
    }

    [LoggerMessage(EventId = EventIds.CatalogRefused, Level = LogLevel.Information, Message = "Upstream {Upstream} refused its catalog (status {Status}); left out of _catalog")]
    private static partial void LogCatalogRefused(ILogger logger, string upstream, int status);

    [LoggerMessage(EventId = EventIds.CatalogInvalid, Level = LogLevel.Warning, Message = "Upstream {Upstream} sent an invalid catalog; left out of _catalog")]
    private static partial void LogCatalogInvalid(ILogger logger, string upstream);

    [LoggerMessage(EventId = EventIds.CatalogUnreachable, Level = LogLevel.Warning, Message = "Upstream {Upstream} could not be reached for its catalog ({Error}); left out of _catalog")]
    private static partial void LogCatalogUnreachable(ILogger logger, string upstream, string error);
}
