using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Xunit.Abstractions;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>Proves the shared real-registry set-up against the registries and the CDN directly (no gateway).</summary>
[Collection(RealRegistriesCollection.Name)]
public sealed class RealRegistriesTests
{
    private readonly RealRegistriesFixture _fixture;
    private readonly ITestOutputHelper _output;

    public RealRegistriesTests(RealRegistriesFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Fact]
    public void Setup_Fixture_ReportsTimings()
    {
        _output.WriteLine(_fixture.SetupReport);
        _fixture.SetupTime.Should().BePositive().And.BeLessThan(TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task InspectRaw_EverySeededImageOnBothRegistries_DigestEqualsLayoutDigest()
    {
        foreach (var registry in _fixture.Registries)
        {
            foreach (var image in _fixture.Images)
            {
                var raw = await _fixture.Skopeo.InspectRawAsync(registry.DockerReference(image.Repository, image.Tag));

                Sha256Digest.Of(raw).Should().Be(image.Digest, $"{registry.HostPort}/{image.Repository}:{image.Tag} must keep the layout's bytes");
            }
        }
    }

    [Fact]
    public async Task InspectRaw_MultiArchIndex_ReturnsTheIndexBytes()
    {
        var raw = await _fixture.Skopeo.InspectRawAsync(_fixture.RegistryA.DockerReference("team/multi", "v1"));

        raw.Should().Equal(_fixture.Multi.IndexBytes);
    }

    [Fact]
    public async Task Inspect_MultiArchWithOverrideArch_ResolvesThePlatformImage()
    {
        using var arm = new Skopeo { GlobalArguments = ["--override-arch", "arm64", "--override-os", "linux"] };

        var inspection = await arm.InspectAsync(_fixture.RegistryB.DockerReference("team/multi", "v1"), "--no-tags");

        // skopeo 1.9 reports the digest of the top-level manifest (the index), but the platform image's layers.
        var expected = _fixture.Multi.Images.Single(i => i.Architecture == "arm64");
        inspection.Digest.Should().Be(_fixture.Multi.Digest);
        inspection.Architecture.Should().Be("arm64");
        inspection.Layers.Should().Equal(expected.LayerDigests);
    }

    [Fact]
    public async Task Inspect_ByDigest_ReportsLayersOfTheLayout()
    {
        var inspection = await _fixture.Skopeo.InspectAsync(_fixture.RegistryA.DockerReference("team/app", _fixture.App.ManifestDigest), "--no-tags");

        inspection.Digest.Should().Be(_fixture.App.ManifestDigest);
        inspection.Layers.Should().Equal(_fixture.App.LayerDigests);
        inspection.Os.Should().Be("linux");
        inspection.Architecture.Should().Be("amd64");
    }

    [Fact]
    public async Task Copy_ToDirFromPlainRegistry_GivesTheLayerBlobs()
    {
        await AssertCopyToDirGivesLayersAsync(_fixture.RegistryA);
    }

    [Fact]
    public async Task Copy_ToDirFromRedirectingRegistry_FetchesLayersFromTheCdn()
    {
        var before = _fixture.App.LayerDigests.ToDictionary(d => d, d => _fixture.Cdn.RequestsForBlob(d).Count);

        await AssertCopyToDirGivesLayersAsync(_fixture.RegistryB);

        foreach (var digest in _fixture.App.LayerDigests)
        {
            _fixture.Cdn.RequestsForBlob(digest).Count.Should().BeGreaterThan(before[digest], $"skopeo follows the 307 for {digest} to the CDN");
        }
    }

    [Fact]
    public async Task ListTags_ManyTags_Returns150OnBothRegistries()
    {
        foreach (var registry in _fixture.Registries)
        {
            var tags = await _fixture.Skopeo.ListTagsAsync(registry.DockerReference(RealRegistriesFixture.ManyTagsRepository));

            // distribution 2.8 returns tags unsorted (and ignores n/last), so compare as sets.
            tags.Should().HaveCount(RealRegistriesFixture.ManyTagsCount);
            tags.Order(StringComparer.Ordinal).Should().Equal(_fixture.ManyTags);
        }
    }

    [Fact]
    public async Task ManifestGet_AnyOfTheManyTags_AnswersTheSameDigest()
    {
        using var client = _fixture.RegistryA.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"v2/{RealRegistriesFixture.ManyTagsRepository}/manifests/t149");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciMediaTypes.ImageManifest));

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("Docker-Content-Digest").Should().Equal(_fixture.Many.ManifestDigest);
    }

    [Fact]
    public async Task Catalog_PlainRegistry_ListsEverySeededRepository()
    {
        using var client = _fixture.RegistryA.CreateHttpClient();

        var body = await client.GetStringAsync("v2/_catalog?n=100");

        using var document = System.Text.Json.JsonDocument.Parse(body);
        SkopeoInspection.Strings(document.RootElement, "repositories").Should().Equal(_fixture.Repositories);
    }

    [Fact]
    public async Task BlobGet_RedirectingRegistry_Answers307ToTheCdnWhichServesTheBlob()
    {
        var digest = _fixture.App.LayerDigests[1];
        var before = _fixture.Cdn.RequestsForBlob(digest).Count;
        using var client = _fixture.RegistryB.CreateHttpClient();

        using var redirect = await client.GetAsync($"v2/team/app/blobs/{digest}");

        redirect.StatusCode.Should().Be(HttpStatusCode.TemporaryRedirect);
        var location = redirect.Headers.Location!;
        location.IsAbsoluteUri.Should().BeTrue();
        location.GetLeftPart(UriPartial.Authority).Should().Be(_fixture.Cdn.BaseUri.GetLeftPart(UriPartial.Authority));
        location.AbsolutePath.Should().Be($"/docker/registry/v2/blobs/sha256/{Sha256Digest.Hex(digest)[..2]}/{Sha256Digest.Hex(digest)}/data");

        using var cdnClient = new HttpClient();
        var bytes = await cdnClient.GetByteArrayAsync(location);

        Sha256Digest.Of(bytes).Should().Be(digest);
        var requests = _fixture.Cdn.RequestsForBlob(digest);
        requests.Should().HaveCount(before + 1);
        requests[^1].Method.Should().Be("GET");
        requests[^1].HadAuthorization.Should().BeFalse();
        requests[^1].HadCookie.Should().BeFalse();
    }

    [Fact]
    public async Task BlobHead_RedirectingRegistry_Answers307Too()
    {
        using var client = _fixture.RegistryB.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"v2/team/app/blobs/{_fixture.App.ConfigDigest}");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.TemporaryRedirect);
        response.Headers.Location!.AbsolutePath.Should().EndWith($"/{Sha256Digest.Hex(_fixture.App.ConfigDigest)}/data");
    }

    [Fact]
    public async Task BlobGet_PlainRegistry_Answers200WithTheBlob()
    {
        var digest = _fixture.App.LayerDigests[0];
        using var client = _fixture.RegistryA.CreateHttpClient();

        using var response = await client.GetAsync($"v2/team/app/blobs/{digest}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("Docker-Content-Digest").Should().Equal(digest);
        Sha256Digest.Of(await response.Content.ReadAsByteArrayAsync()).Should().Be(digest);
    }

    [Fact]
    public async Task BlobGet_WithRangeOnBothRegistryAndCdn_Answers206WithTheSlice()
    {
        var digest = _fixture.App.LayerDigests[2];
        var expected = (await File.ReadAllBytesAsync(_fixture.Layout.BlobPath(digest)))[1000..1100];
        using var registryClient = _fixture.RegistryA.CreateHttpClient();
        using var cdnClient = new HttpClient { BaseAddress = _fixture.Cdn.BaseUri };

        foreach (var (client, path) in new[]
        {
            (registryClient, $"v2/team/app/blobs/{digest}"),
            (cdnClient, $"docker/registry/v2/blobs/sha256/{Sha256Digest.Hex(digest)[..2]}/{Sha256Digest.Hex(digest)}/data"),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Range = new RangeHeaderValue(1000, 1099);

            using var response = await client.SendAsync(request);

            response.StatusCode.Should().Be(HttpStatusCode.PartialContent, path);
            (await response.Content.ReadAsByteArrayAsync()).Should().Equal(expected);
        }
    }

    [Fact]
    public async Task AccessLog_AfterSetup_ShowsThePushesAndTagPuts()
    {
        foreach (var registry in _fixture.Registries)
        {
            var log = await registry.AccessLogBarrierAsync();

            log.Should().Contain(e => e.Method == "PUT" && e.Target == "/v2/team/app/manifests/v1" && e.Status == 201, registry.LogText);
            log.Should().Contain(e => e.Method == "PUT" && e.Target == "/v2/team/multi/manifests/v1" && e.Status == 201);
            log.Should().Contain(e => e.Method == "POST" && e.Target.StartsWith("/v2/team/app/blobs/uploads/", StringComparison.Ordinal));
            log.Count(e => e.Method == "PUT" && e.Target.StartsWith("/v2/tags/many/manifests/t", StringComparison.Ordinal))
                .Should().Be(RealRegistriesFixture.ManyTagsCount);
            log.Should().Contain(e => e.UserAgent.Contains("skopeo", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void Storage_RedirectingRegistry_IsTheDirectoryTheCdnServes()
    {
        var digest = _fixture.App.ConfigDigest;

        File.Exists(_fixture.RegistryB.BlobDataPath(digest)).Should().BeTrue();
        _fixture.RegistryB.StorageRoot.Should().Be(_fixture.Cdn.RootDirectory);
        File.ReadAllBytes(_fixture.RegistryA.BlobDataPath(digest)).Should().Equal(File.ReadAllBytes(_fixture.Layout.BlobPath(digest)));
    }

    private async Task AssertCopyToDirGivesLayersAsync(DistributionRegistry registry)
    {
        using var target = TempDirectory.Create("dir-copy");

        await _fixture.Skopeo.CopyAsync(registry.DockerReference("team/app", "v1"), "dir:" + target.Path);

        var manifest = await File.ReadAllBytesAsync(Path.Combine(target.Path, "manifest.json"));
        Sha256Digest.Of(manifest).Should().Be(_fixture.App.ManifestDigest);
        foreach (var layer in _fixture.App.Layers)
        {
            var path = Path.Combine(target.Path, Sha256Digest.Hex(layer.Digest));
            File.Exists(path).Should().BeTrue($"the dir: transport stores layer {layer.Digest} by its hex");
            await using var stream = File.OpenRead(path);
            stream.Length.Should().Be(layer.Size);
            Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)).Should().Be(Sha256Digest.Hex(layer.Digest));
        }
    }
}
