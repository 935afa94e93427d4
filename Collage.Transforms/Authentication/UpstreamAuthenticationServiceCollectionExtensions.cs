using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Collage.Transforms.Authentication;

/// <summary>
/// Registers the anonymous Bearer token dance with upstream registries.
/// </summary>
public static class UpstreamAuthenticationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the token cache (a singleton shared by every upstream) and the transient
    /// <c>UpstreamTokenHandler</c>, a new one per handler chain, as a <see cref="DelegatingHandler"/>
    /// can only have one inner handler. Uses the registered <see cref="TimeProvider"/>, or the system one.
    /// </summary>
    public static IServiceCollection AddUpstreamAuthentication(this IServiceCollection services, UpstreamAuthenticationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        // Fail at start-up rather than at the first 401.
        options ??= new UpstreamAuthenticationOptions();
        options.Validate();

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new TokenCache(sp.GetRequiredService<TimeProvider>(), options));
        services.TryAddTransient<UpstreamTokenHandler>();
        return services;
    }
}
