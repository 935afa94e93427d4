using Collage.Transforms.Authentication;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Credentials;
using Collage.Transforms.Redirects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Collage.Transforms.Upstreams;

/// <summary>Registers the layers of every upstream's handler chain.</summary>
internal static class UpstreamServiceCollectionExtensions
{
    /// <summary>
    /// Innermost first: TLS trust, then the redirect follower, then the token dance, then the latency
    /// measurement outermost. The token layer's <see cref="UpstreamCredentialResolver"/> comes from
    /// <c>AddUpstreamCredentials</c>, its one registration, which knows the docker config to read.
    /// </summary>
    public static IServiceCollection AddUpstreamHandlers(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<CollageMetrics>();
        services.TryAddSingleton(new RedirectOptions());
        services.AddSingleton<IUpstreamHandlerWrapper, TlsHandlerWrapper>();
        services.AddSingleton<IUpstreamHandlerWrapper, RedirectHandlerWrapper>();
        services.AddUpstreamAuthentication();
        services.AddSingleton<IUpstreamHandlerWrapper, TokenHandlerWrapper>();
        services.AddSingleton<IUpstreamHandlerWrapper, LatencyHandlerWrapper>();
        return services;
    }
}
