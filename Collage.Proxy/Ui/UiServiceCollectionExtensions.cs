using Collage.Proxy.Ui.Manifests;
using Collage.Proxy.Ui.Pages;

namespace Collage.Proxy.Ui;

/// <summary>Registers the web page's services when it is on.</summary>
internal static class UiServiceCollectionExtensions
{
    public static IServiceCollection AddCollageUi(this IServiceCollection services, UiOptions options)
    {
        services.AddSingleton(options);
        if (!options.Enabled)
        {
            return services;
        }

        services.AddSingleton(new UiLinks(options.Path));
        services.AddSingleton<MountTraffic>();
        services.AddSingleton<UiRegistryClient>();
        services.AddSingleton<UiGate>();
        services.AddSingleton<TagLoader>();
        services.AddSingleton<MountsPage>();
        services.AddSingleton<RepositoriesPage>();
        services.AddSingleton<RepositoryPage>();
        services.AddSingleton<TagPage>();
        return services;
    }
}
