using System.Net;
using Collage.Tests.EndToEnd.Infrastructure;
using Xunit.Abstractions;

namespace Collage.Tests.EndToEnd.Caching;

/// <summary>
/// <c>kill -9</c> of a Collage process while it fetches a big layer (held mid-transfer by a relay in front of a real
/// registry), then a new process on the same cache folder: the start-up sweep leaves <c>spool/</c> empty, every stored
/// file hashes to its name, what was stored before the kill is still served, and the layer that was in flight is not:
/// the next GET fetches it again (issue 10, "a kill -9 mid-fetch leaves nothing that is ever served").
/// </summary>
[Collection(CacheEndToEndCollection.Name)]
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task KillNine_MidFetch_RestartSweepsSpoolAndFetchesThatBlobAgain()
    {
        using var work = TempDirectory.Create("crash");
        using var cache = CacheFolder.CreateCold("cache-crash");
        var layout = new OciImageLayout(work.Combine("layout"));
        var image = layout.AddImage("v1", [200_000, 8 * MiB]);
        var small = image.LayerDigests[0];
        var big = image.LayerDigests[1];
        await using var registry = await DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "registry-crash" });
        using (var skopeo = new Skopeo())
        {
            await skopeo.CopyAsync(layout.Reference("v1"), registry.DockerReference("team/app", "v1"));
        }

        var bigPath = $"/v2/team/app/blobs/{big}";
        await using var relay = await GatedRelay.StartAsync(registry.BaseUri, bigPath);
        var config = work.Combine("config.json");
        await CollageProcess.WriteConfigAsync(config, new
        {
            mappings = new Dictionary<string, string> { ["apps"] = $"http://{relay.Authority}/team" },
            cache = new { path = cache.Path, maxSize = "1GiB" },
        });

        await using (var first = await CollageProcess.StartAsync(config))
        {
            // Stored before the crash: the manifest (by tag), its config and the small layer.
            foreach (var path in new[] { "/v2/apps/app/manifests/v1", $"/v2/apps/app/blobs/{image.ConfigDigest}", $"/v2/apps/app/blobs/{small}" })
            {
                // distribution 2.8 answers 404 for an OCI manifest whose type the client did not accept.
                using var get = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "Accept", OciMediaTypes.ImageManifest } } };
                using var warm = await first.Client.SendAsync(get);
                warm.StatusCode.Should().Be(HttpStatusCode.OK, first.Describe());
            }

            // The big layer: its fetch is held after 1 MiB; once the client has bytes, they are in the spool file.
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/apps/app/blobs/{big}");
            using var response = await first.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            (await body.ReadAsync(buffer)).Should().BePositive("the first bytes reach the client as they land in the spool");
            await relay.Held.WaitAsync(TimeSpan.FromSeconds(30));
            var spool = cache.SpoolFiles();
            spool.Should().ContainSingle("the big layer's fetch is in flight").Which.Should().Contain(Sha256Digest.Hex(big));
            new FileInfo(spool[0]).Length.Should().BePositive();

            await first.KillAsync();
            output.WriteLine($"killed pid {first.Id} with {new FileInfo(spool[0]).Length} bytes in {Path.GetFileName(spool[0])}");
        }

        cache.SpoolFiles().Should().NotBeEmpty("SIGKILL gave the process no chance to clean up, so the sweep has work to do");
        File.Exists(cache.StoredPathOf(big)).Should().BeFalse();
        relay.Release();

        await using var second = await CollageProcess.StartAsync(config);
        second.LogText.Should().Contain("Pull-through cache at", "event 1201 reports the reopened cache");
        cache.SpoolFiles().Should().BeEmpty("start-up sweeps what a killed process left in the spool");
        cache.StoredFiles().Should().HaveCountGreaterThanOrEqualTo(3, "the manifest, config and small layer were stored before the kill");
        (await cache.CorruptStoredFilesAsync()).Should().BeEmpty("every stored file holds the content its name promises");
        File.Exists(cache.StoredPathOf(big)).Should().BeFalse("the layer in flight at the kill was never verified, so never stored");

        var smallGets = relay.GetsOf($"/v2/team/app/blobs/{small}");
        using (var hit = await second.Client.GetAsync($"/v2/apps/app/blobs/{small}"))
        {
            hit.Headers.GetValues("X-Cache").Should().Equal("HIT");
            Sha256Digest.Of(await hit.Content.ReadAsByteArrayAsync()).Should().Be(small);
        }

        relay.GetsOf($"/v2/team/app/blobs/{small}").Should().Be(smallGets, "what was stored before the kill is served from the cache");

        relay.GetsOf(bigPath).Should().Be(1);
        using var refetch = await second.Client.GetAsync($"/v2/apps/app/blobs/{big}");
        refetch.StatusCode.Should().Be(HttpStatusCode.OK);
        refetch.Headers.GetValues("X-Cache").Should().Equal("MISS");
        Sha256Digest.Of(await refetch.Content.ReadAsByteArrayAsync()).Should().Be(big);
        relay.GetsOf(bigPath).Should().Be(2, "the half-fetched layer is fetched again from the upstream");
        (await cache.CorruptStoredFilesAsync()).Should().BeEmpty();
        File.Exists(cache.StoredPathOf(big)).Should().BeTrue("the complete fetch was verified and stored");
    }
}
