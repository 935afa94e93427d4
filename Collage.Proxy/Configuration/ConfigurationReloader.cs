using Collage.Proxy.Routing;
using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Collage.Transforms.Upstreams;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace Collage.Proxy.Configuration;

/// <summary>
/// Applies edits of appsettings.json or the config file without a restart: builds and validates a whole new
/// mount table, prepares its upstream clients, regenerates YARP's routes and clusters, then swaps the table.
/// A bad edit is logged with its key and the last good config keeps serving.
/// </summary>
internal sealed partial class ConfigurationReloader(
    IConfiguration configuration,
    MountTableProvider tables,
    UpstreamClientFactory clients,
    InMemoryConfigProvider proxyConfig,
    IOptions<UpstreamHttpOptions> http,
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
                clients.Prepare(table);
                // YARP first: a request resolved by the new table must find its upstream's cluster.
                var (routes, clusters) = ProxyConfigFactory.Create(table, http.Value);
                proxyConfig.Update(routes, clusters);
                tables.Update(table);
                fileStatus.Clear();
                LogReloaded(logger, table.Global.Mounts.Count, table.Vhosts.Count, table.Upstreams.Count);
            }
            catch (CollageConfigException ex)
            {
                LogRejected(logger, ex.Key, fileStatus.LastError is { } fileError ? $"{ex.Message} (the config file did not load: {fileError})" : ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration reloaded: {GlobalMounts} global mounts, {Vhosts} vhosts, {Upstreams} upstreams")]
    private static partial void LogReloaded(ILogger logger, int globalMounts, int vhosts, int upstreams);

    [LoggerMessage(Level = LogLevel.Error, Message = "Configuration change rejected at '{Key}', the last good configuration keeps serving: {Problem}")]
    private static partial void LogRejected(ILogger logger, string key, string problem);
}
