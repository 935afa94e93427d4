namespace Collage.Proxy.Health;

/// <summary>Registers the readiness state and, when <see cref="HealthOptions.ProbeUpstreams"/> is on, the prober.</summary>
internal static class HealthServiceCollectionExtensions
{
    public static IServiceCollection AddCollageHealth(this IServiceCollection services, HealthOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<UpstreamHealth>();
        if (options.ProbeUpstreams)
        {
            services.AddHostedService<UpstreamProber>();
        }

        return services;
    }
}
