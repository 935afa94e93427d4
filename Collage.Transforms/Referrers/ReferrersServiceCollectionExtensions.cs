using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Referrers;

/// <summary>Registers the referrers responder.</summary>
internal static class ReferrersServiceCollectionExtensions
{
    /// <summary>Adds the referrers API: passed through where an upstream has it, emulated where it does not.</summary>
    public static IServiceCollection AddReferrers(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ReferrersLog(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Collage.Referrers")));
        services.AddSingleton<ReferrersUpstream>();
        services.AddSingleton<ReferrersEmulator>();
        services.AddSingleton<ReferrersResponder>();
        return services;
    }
}
