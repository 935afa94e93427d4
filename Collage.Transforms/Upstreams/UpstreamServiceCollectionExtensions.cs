using Collage.Transforms.Authentication;
using Collage.Transforms.Credentials;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Groups;
using Collage.Transforms.RateLimits;
using Collage.Transforms.Redirects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Upstreams;

/// <summary>Registers what every upstream's handler chain is built from.</summary>
internal static class UpstreamServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="UpstreamHandlerChain"/> and what its layers share: the metrics, the redirect options, one
    /// token cache and one <see cref="UpstreamBackoff"/> for every upstream (both on the registered
    /// <see cref="TimeProvider"/>, or the system one; both outlive the clients a reload rebuilds). The
    /// token layer's <see cref="UpstreamCredentialResolver"/> comes from <c>AddUpstreamCredentials</c>, its one
    /// registration, which knows the docker config to read.
    /// </summary>
    public static IServiceCollection AddUpstreamHandlers(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddLogging();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CollageMetrics>();
        services.TryAddSingleton(new RedirectOptions());
        services.TryAddSingleton(sp => new TokenCache(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new UpstreamBackoff(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<UpstreamHandlerChain>();
        services.TryAddSingleton(sp => new GroupLog(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Collage.Groups")));
        services.TryAddSingleton<MemberHealth>();
        services.TryAddSingleton<GroupTagLister>();
        return services;
    }
}
