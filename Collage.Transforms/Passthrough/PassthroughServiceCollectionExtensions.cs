using Collage.Transforms.Credentials;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Collage.Transforms.Passthrough;

/// <summary>Registers upstream credentials and pass-through authentication.</summary>
internal static class PassthroughServiceCollectionExtensions
{
    /// <summary>
    /// Adds the credential resolver (its one registration; the docker config it reads is the table's), the
    /// issued-token registry and the token relay. The public URL is part of the mount table, so a reload applies it.
    /// </summary>
    public static IServiceCollection AddUpstreamCredentials(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new UpstreamCredentialResolver());
        services.AddSingleton(sp => new IssuedTokens(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new RelayedTokens(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<TokenRelay>();
        return services;
    }
}
