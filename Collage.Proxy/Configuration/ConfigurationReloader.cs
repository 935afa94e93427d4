using Collage.Proxy.Health;
using Collage.Proxy.Routing;
using Collage.Transforms.Configuration;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Mounts;
using Collage.Transforms.Upstreams;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace Collage.Proxy.Configuration;

/// <summary>
/// Applies edits of appsettings.json or the config file without a restart: builds and validates a whole new
/// mount table (mounts, upstreams, <c>Collage:Http</c>, <c>publicUrl</c>, <c>trustedProxies</c>, <c>dockerConfig</c>, the
/// cache's <c>tagTtl</c> and <c>staleIfError</c>: every setting a request reads lives in it), prepares its upstream
/// clients, regenerates YARP's routes and clusters, then swaps the table. A change applies whole or not at all: a bad
/// edit, or one to settings that only apply at start-up (<c>Collage:Health</c>; the cache's presence, <c>path</c> and
/// <c>maxSize</c>), is logged with its key and the last good config keeps serving; nothing is accepted and then
/// ignored.
/// </summary>
internal sealed partial class ConfigurationReloader(
    IConfiguration configuration,
    MountTableProvider tables,
    UpstreamClientFactory clients,
    InMemoryConfigProvider proxyConfig,
    HealthOptions health,
    ConfigFileStatus fileStatus,
    ILogger<ConfigurationReloader> logger) : IHostedService, IDisposable
{
    private readonly Lock _lock = new();
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _subscription?.Dispose();

    /// <summary>Rebuilds from the configuration as it is now.</summary>
    public void Reload()
    {
        lock (_lock)
        {
            try
            {
                var table = MountTableBuilder.Build(CollageConfigReader.Read(configuration));
                // The store is opened once over one folder and sized once; tagTtl and staleIfError live in the table.
                CacheConfigReader.RefuseStartupOnlyChange(tables.Current.Cache, table.Cache);
                if (HealthConfigReader.Read(configuration) != health)
                {
                    // The prober is a hosted service chosen at start-up; applying half a change would be worse.
                    throw new CollageConfigException(HealthOptions.SectionName, "health settings apply at start-up only. Restart Collage to apply this change; none of it was applied.");
                }

                clients.Prepare(table);
                // YARP first: a request resolved by the new table must find its upstream's cluster.
                var (routes, clusters) = ProxyConfigFactory.Create(table);
                proxyConfig.Update(routes, clusters);
                tables.Update(table);
                fileStatus.Clear();
                LogReloaded(logger, table.Global.Mounts.Count, table.Vhosts.Count, table.Upstreams.Count);
                Transforms.Access.AccessPolicyReview.Log(logger, table);
            }
            catch (CollageConfigException ex)
            {
                LogRejected(logger, ex.Key, fileStatus.LastError is { } fileError ? $"{ex.Message} (the config file did not load: {fileError})" : ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = EventIds.ConfigurationReloaded, Level = LogLevel.Information, Message = "Configuration reloaded: {GlobalMounts} global mounts, {Vhosts} vhosts, {Upstreams} upstreams")]
    private static partial void LogReloaded(ILogger logger, int globalMounts, int vhosts, int upstreams);

    [LoggerMessage(EventId = EventIds.ConfigurationRejected, Level = LogLevel.Error, Message = "Configuration change rejected at '{Key}', the last good configuration keeps serving: {Problem}")]
    private static partial void LogRejected(ILogger logger, string key, string problem);
}
