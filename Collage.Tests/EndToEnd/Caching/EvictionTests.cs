using System.Security.Cryptography;
using Collage.Tests.EndToEnd.Infrastructure;
using Xunit.Abstractions;

namespace Collage.Tests.EndToEnd.Caching;

/// <summary>
/// Three times <c>maxSize</c> pulled through the cache: twelve distinct 16 MiB layers in four images against a 64 MiB
/// cache, pulled one image after another, then all at once, then every layer at once with plain GETs. The bytes under <c>blobs/</c> and <c>spool/</c>
/// never exceed the limit (sampled after every pull and by a watcher while pulls run), the cache evicts, and every
/// pull still gets the right bytes (issue 10, "the cache stays under maxSize, spool files included").
/// </summary>
[Collection(CacheEndToEndCollection.Name)]
public sealed class EvictionTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private const long MaxSize = 64L * MiB;
    private const int Images = 4;

    [Fact]
    public async Task Pull_ThreeTimesMaxSize_CacheNeverExceedsMaxSizeAndEvicts()
    {
        using var work = TempDirectory.Create("eviction");
        using var cache = CacheFolder.CreateCold("cache-eviction");
        var layout = new OciImageLayout(work.Combine("layout"));
        var images = Enumerable.Range(0, Images).Select(i => layout.AddImage($"v{i}", [16 * MiB, 16 * MiB, 16 * MiB])).ToList();
        images.SelectMany(i => i.LayerDigests).Distinct().Should().HaveCount(12);
        images.SelectMany(i => i.Layers).Sum(l => l.Size).Should().BeGreaterThan(3 * MaxSize, "the workload is three times the cache");
        await using var registry = await DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "registry-eviction" });
        using var skopeo = new Skopeo();
        for (var i = 0; i < Images; i++)
        {
            await skopeo.CopyAsync(layout.Reference($"v{i}"), registry.DockerReference($"team/app{i}", "v1"));
        }

        var config = work.Combine("config.json");
        await CollageProcess.WriteConfigAsync(config, new
        {
            mappings = new Dictionary<string, string> { ["apps"] = $"http://{registry.HostPort}/team" },
            cache = new { path = cache.Path, maxSize = "64MiB" },
        });
        await using var collage = await CollageProcess.StartAsync(config);
        await using var watcher = CacheSizeWatcher.Start(cache);
        var afterPulls = new List<long>();

        for (var i = 0; i < Images; i++)
        {
            await PullAndCheckAsync(skopeo, collage, images[i], i, work.Combine($"one-by-one-{i}"));
            afterPulls.Add(cache.Bytes());
        }

        // All four at once, in reverse: skopeo copies one layer at a time into dir:, so four 16 MiB fetches run together,
        // more than the 64 MiB hold, while what the first round left in the cache is partly gone, partly still there.
        await Task.WhenAll(Enumerable.Range(0, Images).Reverse().Select(i =>
            PullAndCheckAsync(skopeo, collage, images[i], i, work.Combine($"together-{i}"))));
        afterPulls.Add(cache.Bytes());

        // Every layer at once, straight GETs: twelve fetches of 16 MiB against 64 MiB, so most cannot be held.
        using var burst = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = collage.BaseUri, Timeout = TimeSpan.FromSeconds(120) };
        await Task.WhenAll(images.SelectMany((image, i) => image.LayerDigests.Select(async layer =>
        {
            using var response = await burst.GetAsync($"/v2/apps/app{i}/blobs/{layer}", HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            ("sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(body))).Should().Be(layer, "every answer is the right bytes, held or not");
        })));
        afterPulls.Add(cache.Bytes());

        var max = await watcher.StopAsync();
        output.WriteLine($"after each pull: {string.Join(", ", afterPulls.Select(b => $"{b / (double)MiB:F1} MiB"))}; watcher max {max / (double)MiB:F1} MiB over {watcher.Samples} samples");
        var outcomes = collage.LogText.Split('\n').Where(l => l.Contains("kind=blob", StringComparison.Ordinal)).GroupBy(l => l[(l.LastIndexOf("cache=", StringComparison.Ordinal) + 6)..].Trim());
        output.WriteLine($"blob answers: {string.Join(", ", outcomes.Select(g => $"{g.Key} {g.Count()}"))}");
        afterPulls.Should().OnlyContain(b => b <= MaxSize, "the cache holds at most maxSize after every pull");
        max.Should().BeLessThanOrEqualTo(MaxSize, "spool files of fetches in flight count against maxSize too");
        watcher.Samples.Should().BeGreaterThan(100, "the watcher sampled while the pulls ran");
        afterPulls.Max().Should().BeGreaterThan(32L * MiB, "the cache was used, not bypassed");
        (await collage.MetricAsync("collage_cache_evictions_total")).Should().BePositive("three times maxSize cannot fit without evicting");
        (await cache.CorruptStoredFilesAsync()).Should().BeEmpty();
        cache.SpoolFiles().Should().BeEmpty("no fetch is in flight once every pull finished");
    }

    private static async Task PullAndCheckAsync(Skopeo skopeo, CollageProcess collage, ImageRef image, int index, string target)
    {
        await skopeo.CopyAsync($"docker://{collage.HostPort}/apps/app{index}:v1", $"dir:{target}");
        Sha256Digest.Of(await File.ReadAllBytesAsync(Path.Combine(target, "manifest.json"))).Should().Be(image.ManifestDigest);
        foreach (var blob in image.BlobDigests)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(target, Sha256Digest.Hex(blob)));
            Sha256Digest.Of(bytes).Should().Be(blob, "every pull returns the right bytes, evictions or not");
        }

        Directory.Delete(target, recursive: true);
    }
}
