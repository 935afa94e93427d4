using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Tests.Functional.Infrastructure;
using Xunit.Abstractions;

namespace Collage.Tests.EndToEnd.Caching;

/// <summary>
/// Eight real skopeo processes pull the same image through a cold cache at once: every copy is right, and the real
/// registry's access log shows one GET per blob, whoever asked first (issue 10, "single flight").
/// </summary>
[Collection(CacheEndToEndCollection.Name)]
public sealed class SingleFlightPullTests(ITestOutputHelper output)
{
    private const int Copies = 8;
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task SkopeoCopy_EightConcurrentThroughColdCache_OneUpstreamGetPerBlob()
    {
        using var work = TempDirectory.Create("single-flight");
        using var cache = CacheFolder.CreateCold("cache-single-flight");
        var layout = new OciImageLayout(work.Combine("layout"));
        var image = layout.AddImage("v1", [3 * MiB, 2 * MiB, 4 * MiB]);
        await using var registry = await DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "registry-single-flight" });
        using var skopeo = new Skopeo();
        await skopeo.CopyAsync(layout.Reference("v1"), registry.DockerReference("team/app", "v1"));
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["apps"] = $"http://{registry.HostPort}/team" },
            cache = new { path = cache.Path, maxSize = "1GiB" },
        });
        var before = (await registry.AccessLogBarrierAsync()).Count;

        var targets = Enumerable.Range(0, Copies).Select(i => work.Combine($"copy-{i}")).ToList();
        var copies = await Task.WhenAll(targets.Select(target =>
            skopeo.CopyAsync($"docker://{collage.BaseUri.Authority}/apps/app:v1", $"dir:{target}")));
        output.WriteLine($"{Copies} concurrent copies: {string.Join(", ", copies.Select(c => $"{c.Elapsed.TotalSeconds:F2} s"))}");

        foreach (var target in targets)
        {
            Sha256Digest.Of(await File.ReadAllBytesAsync(Path.Combine(target, "manifest.json"))).Should().Be(image.ManifestDigest);
            foreach (var blob in image.BlobDigests)
            {
                Sha256Digest.Of(await File.ReadAllBytesAsync(Path.Combine(target, Sha256Digest.Hex(blob)))).Should().Be(blob, "{0} of {1} must arrive intact", blob, target);
            }
        }

        var log = (await registry.AccessLogBarrierAsync()).Skip(before).ToList();
        output.WriteLine(string.Join(Environment.NewLine, log.Select(e => $"{e.Method} {e.Target} {e.Status} {e.UserAgent}")));
        foreach (var blob in image.BlobDigests)
        {
            log.Count(e => e.Method == "GET" && e.Target == $"/v2/team/app/blobs/{blob}")
                .Should().Be(1, "{0} clients asked for {1} at once through a cold cache, and one fetch serves them all", Copies, blob);
        }

        log.Should().OnlyContain(e => e.Target.Contains("/manifests/", StringComparison.Ordinal) || e.Target.Contains("/blobs/", StringComparison.Ordinal), "nothing else reaches the upstream");
        var cacheLines = collage.Logs.All.Split('\n').Count(l => l.Contains("/apps/app/blobs/", StringComparison.Ordinal) && l.Contains("cache=", StringComparison.Ordinal));
        cacheLines.Should().BeGreaterThanOrEqualTo(Copies * image.BlobDigests.Count, "every client's blob request is answered by the cache and logged");
    }
}
