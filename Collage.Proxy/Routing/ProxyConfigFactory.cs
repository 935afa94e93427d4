using System.Net;
using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Collage.Transforms.Upstreams;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Collage.Proxy.Routing;

/// <summary>
/// Generates YARP's routes and clusters from the mount table: one route for the repository endpoints and
/// one cluster per upstream (so connections pool per upstream) and one per upstream group and one per upstream group, with ids stable across reloads.
/// </summary>
internal static class ProxyConfigFactory
{
    public const string RouteId = "registry";

    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) Create(MountTable table)
    {
        var clusters = table.Upstreams
            .Select(upstream => new ClusterConfig
            {
                ClusterId = upstream.Id,
                // Names the client UpstreamClientFactory prepared; a changed CA or credential changes the
                // cluster, so YARP asks the factory for the new client.
                Metadata = new Dictionary<string, string> { [UpstreamClientKey.MetadataKey] = UpstreamClientKey.For(upstream, table) },
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    ["upstream"] = new() { Address = upstream.BaseUri.ToString() },
                },
                HttpRequest = new ForwarderRequestConfig
                {
                    ActivityTimeout = table.Http.ActivityTimeout,
                    // Blobs are large and parallel: HTTP/1.1 gives each its own connection instead of
                    // multiplexing them over one HTTP/2 connection's flow-control window.
                    Version = HttpVersion.Version11,
                    VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
                },
            })
            .Concat(table.Groups.Select(group => new ClusterConfig
            {
                // A group's requests go to GroupHandler, which sends them on to the members' own clients; the
                // destination is the primary's and is rewritten per member.
                ClusterId = group.GroupId,
                Metadata = new Dictionary<string, string> { [UpstreamClientKey.MetadataKey] = UpstreamClientFactory.GroupClientKey },
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    ["upstream"] = new() { Address = group.Upstream.BaseUri.ToString() },
                },
                HttpRequest = new ForwarderRequestConfig
                {
                    ActivityTimeout = table.Http.ActivityTimeout,
                    Version = HttpVersion.Version11,
                    VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
                },
            }))
            .ToArray();

        var routes = new[]
        {
            new RouteConfig
            {
                RouteId = RouteId,
                // Every request is reassigned to its upstream's cluster; this one only makes the route valid.
                ClusterId = clusters[0].ClusterId,
                Match = new RouteMatch { Path = "/v2/{**remainder}", Methods = [HttpMethods.Get, HttpMethods.Head] },
            },
        };

        return (routes, clusters);
    }
}
