using System.Net;
using System.Text.Json;
using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Tests.Functional.Infrastructure;
using Xunit.Abstractions;

namespace Collage.Tests.EndToEnd.Caching;

/// <summary>
/// The upstream registry dies (its process killed) after Collage cached one image: skopeo and podman still pull that
/// image by tag and by digest; an image never pulled fails, and Collage says 502/504 with an OCI error that names no
/// upstream. The tag TTL is zero, so every tag pull asks the (dead) upstream first and has to fall back to the stale
/// answer (issue 10, "stale on error").
/// </summary>
[Collection(CacheEndToEndCollection.Name)]
public sealed class UpstreamDownTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _work = TempDirectory.Create("upstream-down");
    private readonly CacheFolder _cache = CacheFolder.CreateCold("cache-upstream-down");
    private readonly Skopeo _skopeo = new();
    private DistributionRegistry _registry = null!;
    private CollageServer _collage = null!;
    private ImageRef _cached = null!;
    private ImageRef _uncached = null!;
    private string _upstreamHostPort = null!;

    private string Collage => _collage.BaseUri.Authority;

    public async Task InitializeAsync()
    {
        var layout = new OciImageLayout(_work.Combine("layout"));
        _cached = layout.AddImage("cached", [300_000, 100_000]);
        _uncached = layout.AddImage("uncached", [200_000]);
        _registry = await DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "registry-upstream-down" });
        _upstreamHostPort = _registry.HostPort;
        await _skopeo.CopyAsync(layout.Reference("cached"), _registry.DockerReference("team/app", "v1"));
        await _skopeo.CopyAsync(layout.Reference("uncached"), _registry.DockerReference("team/app", "v2"));
        await _skopeo.CopyAsync(layout.Reference("uncached"), _registry.DockerReference("team/other", "v1"));
        _collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["apps"] = $"http://{_registry.HostPort}/team" },
            cache = new { path = _cache.Path, tagTtl = "00:00:00" },
        });
    }

    public async Task DisposeAsync()
    {
        await _collage.DisposeAsync();
        await _registry.DisposeAsync();
        _skopeo.Dispose();
        _cache.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task Pull_UpstreamKilled_CachedImageByTagAndDigestStillPullsWithSkopeoAndPodman()
    {
        var byTag = $"{Collage}/apps/app:v1";
        var byDigest = $"{Collage}/apps/app@{_cached.ManifestDigest}";
        var registriesConf = await WriteRegistriesConfAsync();
        await CopyAndCheckAsync(byTag, "warm-tag");
        await CopyAndCheckAsync(byDigest, "warm-digest");
        using (var warm = new Podman())
        {
            // podman's Accept may differ from skopeo's, and tag answers are cached per Accept: it warms its own.
            await warm.PullAsync(byTag, registriesConf);
            await warm.PullAsync(byDigest, registriesConf);
        }

        await _registry.DisposeAsync();
        (await TryGetAsync(_registry.BaseUri)).Should().BeFalse("the registry process is dead");

        await CopyAndCheckAsync(byTag, "down-tag");
        await CopyAndCheckAsync(byDigest, "down-digest");
        using var podman = new Podman();
        var pull = await podman.PullAsync(byTag, registriesConf);
        output.WriteLine($"podman pull by tag with the upstream down: {pull.Elapsed.TotalSeconds:F2} s{Environment.NewLine}{pull.StandardError}");
        (await podman.ImageDigestAsync(byTag)).Should().Be(_cached.ManifestDigest);
        using var podmanByDigest = new Podman();
        await podmanByDigest.PullAsync(byDigest, registriesConf);
        (await podmanByDigest.ImageDigestAsync(byDigest)).Should().Be(_cached.ManifestDigest);
        _collage.Logs.Lines.Should().Contain(
            l => l.Contains("/v2/apps/app/manifests/v1 200", StringComparison.Ordinal) && l.Contains("cache=stale", StringComparison.Ordinal),
            "with a zero tag TTL the tag was asked upstream, which failed, and the cached answer was served stale");
    }

    [Fact]
    public async Task Pull_UpstreamKilled_UncachedImageFailsWith502NamingNoUpstream()
    {
        await CopyAndCheckAsync($"{Collage}/apps/app:v1", "warm");
        await _registry.DisposeAsync();

        foreach (var reference in new[] { "apps/app:v2", "apps/other:v1", $"apps/other@{_uncached.ManifestDigest}" })
        {
            var copy = () => _skopeo.CopyAsync($"docker://{Collage}/{reference}", $"dir:{_work.Combine("fail-" + Guid.NewGuid().ToString("N"))}");
            (await copy.Should().ThrowAsync<ProcessFailedException>($"{reference} was never cached and its upstream is down")).Which.Message.Should().NotContain(_upstreamHostPort);
        }

        foreach (var path in new[]
        {
            "/v2/apps/app/manifests/v2",
            "/v2/apps/other/manifests/v1",
            $"/v2/apps/other/manifests/{_uncached.ManifestDigest}",
            $"/v2/apps/other/blobs/{_uncached.LayerDigests[0]}",
            $"/v2/apps/other/blobs/{_uncached.ConfigDigest}",
        })
        {
            using var response = await _collage.Client.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().BeOneOf([HttpStatusCode.BadGateway, HttpStatusCode.GatewayTimeout], "{0} is not cached and its upstream is down: {1}", path, body);
            using var error = JsonDocument.Parse(body);
            error.RootElement.GetProperty("errors")[0].GetProperty("code").GetString().Should().NotBeNullOrEmpty();
            body.Should().NotContain(_upstreamHostPort).And.NotContain("http://").And.NotContain("   at ", "an error names no upstream and carries no stack trace");
        }
    }

    private async Task CopyAndCheckAsync(string reference, string name)
    {
        var target = _work.Combine(name);
        await _skopeo.CopyAsync($"docker://{reference}", $"dir:{target}");
        Sha256Digest.Of(await File.ReadAllBytesAsync(Path.Combine(target, "manifest.json"))).Should().Be(_cached.ManifestDigest);
        foreach (var blob in _cached.BlobDigests)
        {
            Sha256Digest.Of(await File.ReadAllBytesAsync(Path.Combine(target, Sha256Digest.Hex(blob)))).Should().Be(blob);
        }
    }

    private async Task<string> WriteRegistriesConfAsync()
    {
        var path = _work.Combine("registries.conf");
        await File.WriteAllTextAsync(path, $"""
            unqualified-search-registries = []

            [[registry]]
            location = "{Collage}"
            insecure = true
            """);
        return path;
    }

    private static async Task<bool> TryGetAsync(Uri uri)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(new Uri(uri, "v2/"));
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
