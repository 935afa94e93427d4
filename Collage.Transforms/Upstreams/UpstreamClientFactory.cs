using System.Collections.Concurrent;
using Collage.Transforms.Configuration;
using Collage.Transforms.Groups;
using Collage.Transforms.Registry;
using Collage.Transforms.Mounts;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Collage.Transforms.Upstreams;

/// <summary>
/// One <see cref="HttpMessageInvoker"/> per upstream and settings, shared by YARP (as its client factory) and
/// by the endpoints Collage answers itself (catalog), so each upstream has one connection pool and one token
/// cache. Each is the upstream's <see cref="UpstreamSockets"/> under its <see cref="UpstreamHandlerChain"/>. Clients
/// are built by <see cref="Prepare"/> before a table goes live, so a bad CA file rejects the table (at start-up or
/// on reload) instead of failing requests.
/// </summary>
internal sealed class UpstreamClientFactory : IForwarderHttpClientFactory, IDisposable
{
    /// <summary>The client key of every group's cluster: the one <see cref="GroupHandler"/>.</summary>
    public const string GroupClientKey = "group";

    private readonly ConcurrentDictionary<string, HttpMessageInvoker> _clients = new(StringComparer.Ordinal);
    private readonly object _prepareLock = new();
    private readonly MountTableProvider _tables;
    private readonly UpstreamHandlerChain _chain;
    private readonly ILogger<UpstreamCertificateValidator> _tlsLogger;
    private readonly HttpMessageInvoker _groups;

    public UpstreamClientFactory(MountTableProvider tables, UpstreamHandlerChain chain, MemberHealth health, GroupLog groupLog, ILogger<UpstreamCertificateValidator> tlsLogger)
    {
        _tables = tables;
        _chain = chain;
        _tlsLogger = tlsLogger;
        _groups = new HttpMessageInvoker(new GroupHandler(this, health, groupLog), disposeHandler: true);
    }

    /// <summary>
    /// Builds the clients <paramref name="table"/> needs and drops those no table in force needs any more
    /// (requests in flight keep theirs). Throws when an upstream's settings cannot be applied.
    /// </summary>
    public void Prepare(MountTable table)
    {
        lock (_prepareLock)
        {
            var keep = new HashSet<string>(StringComparer.Ordinal);
            foreach (var current in (MountTable[])[_tables.Current, table])
            {
                foreach (var upstream in current.Upstreams)
                {
                    keep.Add(UpstreamClientKey.For(upstream, current));
                }
            }

            foreach (var upstream in table.Upstreams)
            {
                var key = UpstreamClientKey.For(upstream, table);
                if (!_clients.ContainsKey(key))
                {
                    try
                    {
                        _clients[key] = Build(table, upstream, table.UpstreamOptions.GetValueOrDefault(upstream.Authority) ?? new UpstreamOptions());
                    }
                    catch (InvalidOperationException ex)
                    {
                        throw new CollageConfigException($"upstreams:{upstream.Authority}:caFile", $"{ex.Message} Point caFile at a readable PEM file or directory of CA certificates.");
                    }
                }
            }

            foreach (var key in _clients.Keys.Where(k => !keep.Contains(k)))
            {
                _clients.TryRemove(key, out _);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>The cluster's metadata names the client <see cref="Prepare"/> built for it.</remarks>
    public HttpMessageInvoker CreateClient(ForwarderHttpClientContext context) =>
        context.NewMetadata?.TryGetValue(UpstreamClientKey.MetadataKey, out var key) != true ? throw new InvalidOperationException($"No client was prepared for cluster '{context.ClusterId}'.")
            : key == GroupClientKey ? _groups
            : _clients.TryGetValue(key!, out var client) ? client
            : throw new InvalidOperationException($"No client was prepared for cluster '{context.ClusterId}'.");

    /// <summary>
    /// The client for <paramref name="feature"/>'s repository: its upstream's, or for a group the one that fails over
    /// between the members' clients.
    /// </summary>
    public HttpMessageInvoker GetClient(RegistryRequestFeature feature) =>
        feature.Resolved.Mount.IsGroup ? _groups : GetClient(feature.Table, feature.Resolved.Upstream);

    /// <summary>
    /// The client of <paramref name="upstream"/> under <paramref name="table"/>: the table the request (or the probe
    /// round) started with, never a second read of the table in force.
    /// </summary>
    public HttpMessageInvoker GetClient(MountTable table, Upstream upstream) =>
        _clients.TryGetValue(UpstreamClientKey.For(upstream, table), out var client)
            ? client
            : throw new InvalidOperationException($"No client was prepared for upstream '{upstream.Authority}'.");

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _groups.Dispose();
    }

    private HttpMessageInvoker Build(MountTable table, Upstream upstream, UpstreamOptions options)
    {
        var sockets = UpstreamSockets.Create(table.Http, upstream.Authority, options, _tlsLogger);
        try
        {
            return new HttpMessageInvoker(_chain.Build(upstream, options, sockets, table.DockerConfig, table.Http), disposeHandler: true);
        }
        catch
        {
            // The chain could not be built (unreadable credentials, say): nothing else owns the sockets.
            sockets.Dispose();
            throw;
        }
    }
}
