using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// Two real distribution registries seeded with identical images, shared by the "real registries" collection:
/// <see cref="RegistryA"/> plain, <see cref="RegistryB"/> answering blob GET/HEAD with 307 to <see cref="Cdn"/>,
/// which serves B's storage root. Images are written once as an OCI layout and pushed to both with skopeo, so every
/// digest is the same on both and equals the one in the layout.
/// </summary>
public sealed class RealRegistriesFixture : IAsyncLifetime
{
    /// <summary>How many tags <see cref="ManyTagsRepository"/> has.</summary>
    public const int ManyTagsCount = 150;

    /// <summary>A repository with <see cref="ManyTagsCount"/> tags of one image.</summary>
    public const string ManyTagsRepository = "tags/many";

    private const int MaxParallelCopies = 4;
    private const int MaxParallelTagPuts = 8;

    private readonly IMessageSink _diagnostics;
    private readonly List<IAsyncDisposable> _asyncDisposables = [];
    private TempDirectory? _layoutDirectory;
    private TempDirectory? _cdnStorage;

    /// <summary>Created by xunit; the sink shows set-up timings when diagnostic messages are on.</summary>
    public RealRegistriesFixture(IMessageSink diagnostics) => _diagnostics = diagnostics;

    /// <summary>The plain registry.</summary>
    internal DistributionRegistry RegistryA { get; private set; } = null!;

    /// <summary>The registry whose blob GET/HEAD answer 307 to <see cref="Cdn"/>.</summary>
    internal DistributionRegistry RegistryB { get; private set; } = null!;

    /// <summary>The CDN serving <see cref="RegistryB"/>'s storage; it records every request.</summary>
    internal CdnServer Cdn { get; private set; } = null!;

    /// <summary>A skopeo wrapper with its own temp folder, for tests to use.</summary>
    internal Skopeo Skopeo { get; } = new();

    /// <summary>The OCI layout everything was pushed from.</summary>
    internal OciImageLayout Layout { get; private set; } = null!;

    /// <summary><c>team/app:v1</c>: 3 layers (200 000, 50 000, 1 000 000 bytes of content).</summary>
    internal ImageRef App { get; private set; } = null!;

    /// <summary><c>team/multi:v1</c>: an OCI index over linux/amd64 and linux/arm64.</summary>
    internal IndexRef Multi { get; private set; } = null!;

    /// <summary><c>team/sub/tool:v1</c>: a three-segment name.</summary>
    internal ImageRef Tool { get; private set; } = null!;

    /// <summary><c>other/thing:v1</c>: another namespace.</summary>
    internal ImageRef Thing { get; private set; } = null!;

    /// <summary><c>library/alpine:latest</c>: a Docker-Hub-style official image name.</summary>
    internal ImageRef Alpine { get; private set; } = null!;

    /// <summary>The image behind every tag of <see cref="ManyTagsRepository"/>.</summary>
    internal ImageRef Many { get; private set; } = null!;

    /// <summary>The <see cref="ManyTagsCount"/> tags of <see cref="ManyTagsRepository"/>: t000 ... t149.</summary>
    internal IReadOnlyList<string> ManyTags { get; } =
        [.. Enumerable.Range(0, ManyTagsCount).Select(i => "t" + i.ToString("D3", CultureInfo.InvariantCulture))];

    /// <summary>Every repository/tag pushed by skopeo (the extra tags of <see cref="ManyTagsRepository"/> excluded).</summary>
    internal IReadOnlyList<SeededImage> Images { get; private set; } = [];

    /// <summary>The repository names on both registries, sorted.</summary>
    internal IReadOnlyList<string> Repositories => [.. Images.Select(i => i.Repository).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>How long <see cref="InitializeAsync"/> took.</summary>
    internal TimeSpan SetupTime { get; private set; }

    /// <summary>Timings of the set-up phases, for the log.</summary>
    internal string SetupReport { get; private set; } = string.Empty;

    /// <summary>Both registries, A first.</summary>
    internal IReadOnlyList<DistributionRegistry> Registries => [RegistryA, RegistryB];

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        try
        {
            await SetUpAsync();
        }
        catch
        {
            // Never leave a registry running behind a failed set-up.
            await DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        // Each step runs even if another throws.
        var stopwatch = Stopwatch.StartNew();
        var errors = new List<Exception>();
        IAsyncDisposable[] disposables;
        lock (_asyncDisposables)
        {
            disposables = [.. _asyncDisposables];
            _asyncDisposables.Clear();
        }

        // Registries and the CDN stop independently, so stop them together; then delete the folders.
        await Task.WhenAll(disposables.Select(d => Task.Run(async () =>
        {
            try
            {
                await d.DisposeAsync();
            }
            catch (Exception ex)
            {
                lock (errors)
                {
                    errors.Add(ex);
                }
            }
        })));
        await Task.WhenAll(
            Task.Run(Skopeo.Dispose),
            Task.Run(() => _cdnStorage?.Dispose()),
            Task.Run(() => _layoutDirectory?.Dispose()));
        _diagnostics.OnMessage(new DiagnosticMessage($"real registries fixture disposed in {stopwatch.ElapsedMilliseconds} ms"));
        if (errors.Count > 0)
        {
            throw new AggregateException(errors);
        }
    }

    private async Task SetUpAsync()
    {
        var total = Stopwatch.StartNew();
        var phases = new List<string>();
        var phase = Stopwatch.StartNew();

        var layoutTask = Task.Run(BuildLayout);

        _cdnStorage = TempDirectory.Create("cdn-storage");
        Cdn = Track(await CdnServer.StartAsync(_cdnStorage.Path));
        var startA = DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "registry-a" });
        var startB = DistributionRegistry.StartAsync(new DistributionRegistryOptions
        {
            Name = "registry-b",
            StorageRoot = _cdnStorage.Path,
            RedirectBaseUri = Cdn.BaseUri,
        });
        try
        {
            await Task.WhenAll(startA, startB, layoutTask);
        }
        finally
        {
            // Track whichever started, so DisposeAsync stops it even when the other failed.
            if (startA.IsCompletedSuccessfully)
            {
                RegistryA = Track(startA.Result);
            }

            if (startB.IsCompletedSuccessfully)
            {
                RegistryB = Track(startB.Result);
            }
        }

        phases.Add($"registries+cdn+layout {phase.ElapsedMilliseconds} ms");

        phase.Restart();
        await Parallel.ForEachAsync(
            Registries.SelectMany(r => Images.Select(i => (Registry: r, Image: i))),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelCopies },
            async (push, _) => await PushAsync(push.Registry, push.Image));
        phases.Add($"skopeo pushes {phase.ElapsedMilliseconds} ms");

        phase.Restart();
        await Task.WhenAll(Registries.Select(TagManyAsync));
        phases.Add($"{ManyTagsCount - 1} tag PUTs x2 {phase.ElapsedMilliseconds} ms");

        SetupTime = total.Elapsed;
        SetupReport = $"real registries fixture ready in {SetupTime.TotalMilliseconds:F0} ms ({string.Join(", ", phases)})";
        _diagnostics.OnMessage(new DiagnosticMessage(SetupReport));
    }

    /// <summary>The image pushed as <paramref name="repository"/>, or throws.</summary>
    internal SeededImage Image(string repository) => Images.Single(i => i.Repository == repository);

    private T Track<T>(T disposable)
        where T : IAsyncDisposable
    {
        lock (_asyncDisposables)
        {
            _asyncDisposables.Add(disposable);
        }

        return disposable;
    }

    private void BuildLayout()
    {
        _layoutDirectory = TempDirectory.Create("layout");
        Layout = new OciImageLayout(_layoutDirectory.Path);
        App = Layout.AddImage("app", [200_000, 50_000, 1_000_000]);
        var amd64 = Layout.AddImage(tag: null, [100_000, 20_000], arch: "amd64");
        var arm64 = Layout.AddImage(tag: null, [100_000, 20_000], arch: "arm64");
        Multi = Layout.AddIndex("multi", amd64, arm64);
        Tool = Layout.AddImage("tool", [30_000]);
        Thing = Layout.AddImage("thing", [30_000]);
        Alpine = Layout.AddImage("alpine", [40_000]);
        Many = Layout.AddImage("many", [10_000]);
        Images =
        [
            new SeededImage("team/app", "v1", App.ManifestDigest, "app", IsIndex: false),
            new SeededImage("team/multi", "v1", Multi.Digest, "multi", IsIndex: true),
            new SeededImage("team/sub/tool", "v1", Tool.ManifestDigest, "tool", IsIndex: false),
            new SeededImage("other/thing", "v1", Thing.ManifestDigest, "thing", IsIndex: false),
            new SeededImage("library/alpine", "latest", Alpine.ManifestDigest, "alpine", IsIndex: false),
            new SeededImage(ManyTagsRepository, ManyTags[0], Many.ManifestDigest, "many", IsIndex: false),
        ];
    }

    private async Task PushAsync(DistributionRegistry registry, SeededImage image)
    {
        string[] extra = image.IsIndex ? ["--all"] : [];
        await Skopeo.CopyAsync(Layout.Reference(image.LayoutTag), registry.DockerReference(image.Repository, image.Tag), extra);
    }

    private async Task TagManyAsync(DistributionRegistry registry)
    {
        using var client = registry.CreateHttpClient();
        await Parallel.ForEachAsync(
            ManyTags.Skip(1),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelTagPuts },
            async (tag, cancellationToken) =>
            {
                using var content = new ByteArrayContent(Many.ManifestBytes);
                content.Headers.ContentType = new MediaTypeHeaderValue(OciMediaTypes.ImageManifest);
                using var response = await client.PutAsync($"v2/{ManyTagsRepository}/manifests/{tag}", content, cancellationToken);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    throw new InvalidOperationException($"PUT {ManyTagsRepository}:{tag} on {registry.HostPort} answered {(int)response.StatusCode}: {body}");
                }
            });
    }
}
