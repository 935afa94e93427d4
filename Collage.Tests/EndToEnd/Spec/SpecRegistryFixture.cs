using Collage.Tests.EndToEnd.Caching;
using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.EndToEnd.Spec;

/// <summary>
/// A real distribution 2.8.2 registry holding <see cref="NegotiationImages"/> under <c>team/app</c> (tags
/// <c>docker2</c>, <c>list</c>, <c>oci</c>, <c>index</c> and <see cref="ExtraTags"/>) and the OCI image in
/// <c>team/other1</c> and <c>team/other2</c>, pushed with the registry API itself; in front of it two Collages that
/// mount <c>lab</c> on <c>team</c>, one without a cache and one with a cold pull-through cache.
/// </summary>
public sealed class SpecRegistryFixture : IAsyncLifetime
{
    /// <summary>The local prefix both Collages mount on the upstream's <c>team</c>.</summary>
    public const string Mount = "lab";

    /// <summary>Tags of <c>team/app</c> besides the four negotiation tags, all naming the OCI manifest.</summary>
    public static readonly IReadOnlyList<string> ExtraTags = ["t0", "t1", "t2", "t3", "t4"];

    /// <summary>The repositories upstream, sorted.</summary>
    public static readonly IReadOnlyList<string> UpstreamRepositories = ["team/app", "team/other1", "team/other2"];

    private CacheFolder? _cache;

    internal DistributionRegistry Registry { get; private set; } = null!;

    internal NegotiationImages Images { get; } = NegotiationImages.Create();

    /// <summary>A client for the registry itself: what a direct pull sees.</summary>
    internal HttpClient Direct { get; private set; } = null!;

    /// <summary>Collage without a cache.</summary>
    internal CollageServer Plain { get; private set; } = null!;

    /// <summary>Collage with a pull-through cache for the registry.</summary>
    internal CollageServer Cached { get; private set; } = null!;

    /// <summary>Every tag of <c>team/app</c>.</summary>
    internal IReadOnlyList<string> AppTags => [.. Images.Tagged.Select(t => t.Tag), .. ExtraTags];

    /// <summary>The Collage with or without the cache.</summary>
    internal CollageServer Through(bool cached) => cached ? Cached : Plain;

    public async Task InitializeAsync()
    {
        Registry = await DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "registry-spec" });
        Direct = Registry.CreateHttpClient();
        foreach (var repository in UpstreamRepositories)
        {
            await RegistryPush.BlobAsync(Direct, repository, Images.Layer);
            await RegistryPush.BlobAsync(Direct, repository, Images.Config);
            await RegistryPush.ManifestAsync(Direct, repository, "t0", OciMediaTypes.ImageManifest, Images.Oci);
        }

        // Children before the lists that name them, as a client pushes.
        foreach (var (tag, mediaType, body) in Images.Tagged)
        {
            await RegistryPush.ManifestAsync(Direct, "team/app", tag, mediaType, body);
        }

        foreach (var tag in ExtraTags.Skip(1))
        {
            await RegistryPush.ManifestAsync(Direct, "team/app", tag, OciMediaTypes.ImageManifest, Images.Oci);
        }

        var mappings = new Dictionary<string, string> { [Mount] = $"http://{Registry.HostPort}/team" };
        Plain = await CollageServer.StartAsync(new { mappings });
        _cache = CacheFolder.CreateCold("cache-spec");
        Cached = await CollageServer.StartAsync(new { mappings, cache = new { path = _cache.Path } });
    }

    public async Task DisposeAsync()
    {
        await Cached.DisposeAsync();
        await Plain.DisposeAsync();
        Direct.Dispose();
        await Registry.DisposeAsync();
        _cache?.Dispose();
    }
}
