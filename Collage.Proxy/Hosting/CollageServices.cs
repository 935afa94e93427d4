using Collage.Proxy.Configuration;
using Collage.Proxy.Health;
using Collage.Proxy.Observability;
using Collage.Proxy.Routing;
using Collage.Transforms.Access;
using Collage.Transforms.Caching;
using Collage.Transforms.Catalog;
using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Collage.Transforms.Passthrough;
using Collage.Transforms.Referrers;
using Collage.Transforms.Rewriting;
using Collage.Transforms.Upstreams;
using Yarp.ReverseProxy.Forwarder;

namespace Collage.Proxy.Hosting;

/// <summary>Registers every service of the gateway, from the configuration read and validated at start-up.</summary>
internal static class CollageServices
{
    /// <summary>
    /// Adds the mount table, the upstream handler chain and credentials, YARP with Collage's transforms and
    /// client factory, the configuration reloader, observability and health.
    /// </summary>
    public static void Add(
        IServiceCollection services,
        IConfiguration configuration,
        CollageOptions options,
        MountTable table,
        HealthOptions health,
        ConfigFileStatus fileStatus)
    {
        services.AddSingleton(new MountTableProvider(table));
        services.AddSingleton<CatalogAggregator>();
        services.AddUpstreamHandlers();

        var (routes, clusters) = ProxyConfigFactory.Create(table);
        services.AddReverseProxy()
            .LoadFromMemory(routes, clusters)
            .AddTransforms<RegistryTransformProvider>();

        // After AddReverseProxy, so this factory replaces YARP's default one.
        services.AddSingleton<UpstreamClientFactory>();
        services.AddSingleton<IForwarderHttpClientFactory>(sp => sp.GetRequiredService<UpstreamClientFactory>());

        services.AddSingleton(fileStatus);
        services.AddHostedService<ConfigurationReloader>();
        services.AddCollageObservability(configuration);
        services.AddCollageHealth(health);
        services.AddUpstreamCredentials();
        services.AddPullThroughCache();
        services.AddReferrers();
        services.AddSingleton<ClientLogin>();
        services.AddSingleton<AccessGate>();
        services.AddSingleton<Transforms.Access.Tokens.TokenSigningKeys>();
        services.AddSingleton<Transforms.Access.Tokens.AccessTokens>();
        services.AddSingleton<Transforms.Access.Tokens.TokenIssuer>();
    }
}
