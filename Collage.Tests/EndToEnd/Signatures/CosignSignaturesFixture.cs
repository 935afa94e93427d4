using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Signatures;

/// <summary>
/// One distribution 2.8.2 registry holding <c>team/app:v1</c> and, pushed over HTTP as cosign does, its
/// <c>sha256-HEX.sig</c>, <c>.att</c> and <c>.sbom</c>; and two gateways in front of it, one without and one with the
/// pull-through cache, each mounting <c>team</c> as <c>signed</c> and as the root of the vhost <c>127.0.0.2</c>
/// (<see cref="GatewayPair"/>).
/// </summary>
public sealed class CosignSignaturesFixture : IAsyncLifetime
{
    /// <summary>The upstream repository.</summary>
    internal const string Repository = "team/app";

    private readonly TempDirectory _work = TempDirectory.Create("cosign");

    /// <summary>The upstream.</summary>
    internal DistributionRegistry Registry { get; private set; } = null!;

    /// <summary>A skopeo for the tests.</summary>
    internal Skopeo Skopeo { get; } = new();

    /// <summary>The signed image, <c>team/app:v1</c>.</summary>
    internal ImageRef Image { get; private set; } = null!;

    /// <summary>The cosign artifacts by tag suffix: <c>sig</c>, <c>att</c>, <c>sbom</c>.</summary>
    internal IReadOnlyDictionary<string, PushedArtifact> Artifacts { get; private set; } = new Dictionary<string, PushedArtifact>();

    /// <summary>Every tag of the upstream repository.</summary>
    internal IReadOnlyList<string> Tags => ["v1", .. Artifacts.Values.Select(a => a.Reference)];

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

        Skopeo.Dispose();
        _work.Dispose();
    }

    /// <summary>The gateway, the Host to send and the local name of <c>team/app</c> on one way in.</summary>
    internal GatewayTarget Target(bool cached, bool vhost)
        => Gateways.Target(cached, vhost, "app");

    private async Task SetUpAsync()
    {
        var layout = new OciImageLayout(_work.Combine("layout"));
        Image = layout.AddImage("app", [20_000]);
        Registry = await DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "registry-cosign" });
        await Skopeo.CopyAsync(layout.Reference("app"), Registry.DockerReference(Repository, "v1"));

        var reference = $"{Registry.HostPort}/{Repository}";
        using var pusher = new RegistryPusher(Registry);
        var artifacts = new Dictionary<string, PushedArtifact>();
        foreach (var (suffix, artifact) in new[]
        {
            ("sig", CosignArtifacts.Signature(reference, Image.ManifestDigest)),
            ("att", CosignArtifacts.Attestation(reference, Image.ManifestDigest)),
            ("sbom", CosignArtifacts.Sbom(reference)),
        })
        {
            artifacts[suffix] = await pusher.PushArtifactAsync(Repository, CosignArtifacts.Tag(Image.ManifestDigest, suffix), artifact);
        }

        Artifacts = artifacts;
        Gateways = await GatewayPair.StartAsync($"http://{Registry.HostPort}/team");
    }
}
