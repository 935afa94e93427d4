using System.Text.Json.Nodes;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Signatures;

/// <summary>
/// One distribution 2.8.2 registry (no referrers API) holding subjects under <c>team/</c>, each with what
/// <c>oras attach</c> pushes when the registry lacks the API: artifact manifests with a <c>subject</c>, then the
/// referrers tag <c>sha256-HEX</c> with their index. <see cref="Full"/>: an SBOM and a signature, the tag index with
/// every field; <see cref="Bare"/>: the tag index's descriptors without <c>artifactType</c> and annotations, one
/// artifact typed by its config only; <see cref="Lonely"/>: nothing refers to it; <see cref="CacheGlobal"/> and
/// <see cref="CacheVhost"/>: like <see cref="Full"/>, each asked by one cache test only. Two gateways
/// (<see cref="GatewayPair"/>) mount <c>team</c>.
/// </summary>
public sealed class ReferrersFixture : IAsyncLifetime
{
    private readonly TempDirectory _work = TempDirectory.Create("referrers");

    /// <summary>The upstream.</summary>
    internal DistributionRegistry Registry { get; private set; } = null!;

    /// <summary>An SBOM and a signature, fallback tag index as oras writes it.</summary>
    internal ReferredSubject Full { get; private set; } = null!;

    /// <summary>An SBOM and a config-typed signature, fallback tag index with bare descriptors.</summary>
    internal ReferredSubject Bare { get; private set; } = null!;

    /// <summary>No referrers, no fallback tag.</summary>
    internal ReferredSubject Lonely { get; private set; } = null!;

    /// <summary>Like <see cref="Full"/>, for the cache test through the global mount.</summary>
    internal ReferredSubject CacheGlobal { get; private set; } = null!;

    /// <summary>Like <see cref="Full"/>, for the cache test through the vhost.</summary>
    internal ReferredSubject CacheVhost { get; private set; } = null!;

    /// <summary>The gateways, without and with the cache.</summary>
    internal GatewayPair Gateways { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        try
        {
            await SetUpAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Gateways is not null)
        {
            await Gateways.DisposeAsync();
        }

        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }

        _work.Dispose();
    }

    /// <summary>The gateway, the Host to send and the local name of <paramref name="subject"/> on one way in.</summary>
    internal GatewayTarget Target(bool cached, bool vhost, ReferredSubject subject)
        => Gateways.Target(cached, vhost, subject.Repository);

    private async Task SetUpAsync()
    {
        var layout = new OciImageLayout(_work.Combine("layout"));
        string[] names = ["app", "bare", "lonely", "cache-global", "cache-vhost"];
        var images = names.ToDictionary(n => n, n => layout.AddImage(n, [5_000]));
        Registry = await DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "registry-referrers" });
        using (var skopeo = new Skopeo())
        {
            await Task.WhenAll(names.Select(n => skopeo.CopyAsync(layout.Reference(n), Registry.DockerReference($"team/{n}", "v1"))));
        }

        using var pusher = new RegistryPusher(Registry);
        Full = await AttachAsync(pusher, "app", images["app"], bareIndex: false, OrasArtifacts.Sbom, OrasArtifacts.Signature);
        Bare = await AttachAsync(pusher, "bare", images["bare"], bareIndex: true, OrasArtifacts.Sbom, OrasArtifacts.SignatureTypedByConfig);
        Lonely = new ReferredSubject("lonely", images["lonely"], []);
        CacheGlobal = await AttachAsync(pusher, "cache-global", images["cache-global"], bareIndex: false, OrasArtifacts.Sbom, OrasArtifacts.Signature);
        CacheVhost = await AttachAsync(pusher, "cache-vhost", images["cache-vhost"], bareIndex: false, OrasArtifacts.Sbom, OrasArtifacts.Signature);
        Gateways = await GatewayPair.StartAsync($"http://{Registry.HostPort}/team");
    }

    // oras attach without the referrers API: each artifact by digest, then the fallback tag's index over them.
    private static async Task<ReferredSubject> AttachAsync(RegistryPusher pusher, string repository, ImageRef image, bool bareIndex, params Func<OciDescriptor, OciArtifact>[] artifacts)
    {
        var upstream = $"team/{repository}";
        var subject = new OciDescriptor(OciMediaTypes.ImageManifest, image.ManifestDigest, image.ManifestBytes.Length);
        var referrers = new List<PushedArtifact>();
        foreach (var artifact in artifacts)
        {
            referrers.Add(await pusher.PushArtifactAsync(upstream, tag: null, artifact(subject)));
        }

        var descriptors = referrers.Select(r => bareIndex ? r.Descriptor.Bare() : r.Descriptor);
        await pusher.PushManifestAsync(upstream, OrasArtifacts.FallbackTag(image.ManifestDigest), OciMediaTypes.ImageIndex, OrasArtifacts.TagIndex(descriptors));
        return new ReferredSubject(repository, image, referrers);
    }
}
