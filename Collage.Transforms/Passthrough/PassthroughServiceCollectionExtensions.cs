using System.Net;
using Collage.Transforms.Configuration;
using Collage.Transforms.Credentials;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Collage.Transforms.Passthrough;

/// <summary>Registers upstream credentials and pass-through authentication.</summary>
internal static class PassthroughServiceCollectionExtensions
{
    /// <summary>
    /// Adds the credential resolver (docker config at <paramref name="dockerConfigPath"/>, if any), the public URL
    /// of <paramref name="options"/>, the issued-token registry and the token relay.
    /// </summary>
    public static IServiceCollection AddUpstreamCredentials(this IServiceCollection services, CollageOptions options, string? dockerConfigPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new UpstreamCredentialResolver(dockerConfigPath));
        services.AddSingleton(new PassthroughOptions
        {
            PublicUrl = options.PublicUrl,
            TrustedProxies = [.. options.TrustedProxies.Select(IPAddress.Parse)],
        });
        services.AddSingleton<PublicUrlResolver>();
        services.AddSingleton(sp => new IssuedTokens(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<TokenRelay>();
        return services;
    }
}
