using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.EndToEnd;

/// <summary>
/// Real clients (skopeo) pull through the real gateway from two real distribution registries; registry B
/// redirects blobs to a CDN. Every digest must equal the direct pull's.
/// </summary>
[Collection(RealRegistriesCollection.Name)]
public sealed class GatewayPullTests(RealRegistriesFixture fixture) : IAsyncLifetime
{
    private static readonly IPAddress SecondLoopback = IPAddress.Parse("127.0.0.2");
    private CollageServer _collage = null!;

    private string Local => $"127.0.0.1:{_collage.BaseUri.Port}";

    private string Vhost => $"127.0.0.2:{_collage.BaseUri.Port}";

    public async Task InitializeAsync()
    {
        var a = fixture.RegistryA.HostPort;
        var b = fixture.RegistryB.HostPort;
        _collage = await CollageServer.StartAsync(
            new
            {
                mappings = new Dictionary<string, string>
                {
                    ["apps"] = $"http://{a}/team",
                    ["/many/"] = $"http://{a}/tags/",
                    ["b"] = $"http://{b}",
                },
                vhosts = new Dictionary<string, object>
                {
                    ["127.0.0.2"] = new { mappings = new Dictionary<string, string> { ["/"] = $"http://{b}", ["a"] = $"http://{a}/team" } },
                    ["localhost"] = new { mappings = new Dictionary<string, string> { ["/"] = $"http://{a}" } },
                },
            },
            [SecondLoopback]);
    }

    public async Task DisposeAsync() => await _collage.DisposeAsync();

    [Fact]
    public async Task Copy_MultiLayerImageThroughGlobalMount_EqualsDirectPull()
    {
        using var through = TempDirectory.Create("through");
        using var direct = TempDirectory.Create("direct");

        await fixture.Skopeo.CopyAsync($"docker://{Local}/apps/app:v1", $"dir:{through.Path}");
        await fixture.Skopeo.CopyAsync(fixture.RegistryA.DockerReference("team/app", "v1"), $"dir:{direct.Path}");

        var manifest = await File.ReadAllBytesAsync(through.Combine("manifest.json"));
        Sha256(manifest).Should().Be(fixture.App.ManifestDigest);
        manifest.Should().Equal(await File.ReadAllBytesAsync(direct.Combine("manifest.json")));
        foreach (var blob in fixture.App.BlobDigests)
        {
            var file = through.Combine(Sha256Digest.Hex(blob));
            Sha256(await File.ReadAllBytesAsync(file)).Should().Be(blob);
        }
    }

    [Fact]
    public async Task InspectRaw_ThroughGateway_IsByteIdenticalToDirect()
    {
        foreach (var (local, upstream) in new[] { ("apps/app:v1", "team/app"), ("apps/sub/tool:v1", "team/sub/tool"), ("apps/multi:v1", "team/multi") })
        {
            var through = await fixture.Skopeo.InspectRawAsync($"docker://{Local}/{local}");
            var direct = await fixture.Skopeo.InspectRawAsync(fixture.RegistryA.DockerReference(upstream, "v1"));
            through.Should().Equal(direct, $"{local} must pass byte for byte");
        }
    }

    [Fact]
    public async Task CopyAll_MultiArchIndex_EveryPlatformArrivesWithSameDigests()
    {
        using var target = TempDirectory.Create("multi");

        await fixture.Skopeo.CopyAsync($"docker://{Local}/apps/multi:v1", $"oci:{target.Path}:v1", "--all");

        using var index = JsonDocument.Parse(await File.ReadAllBytesAsync(target.Combine("index.json")));
        index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString().Should().Be(fixture.Multi.Digest);
        foreach (var image in fixture.Multi.Images)
        {
            foreach (var blob in (string[])[image.ManifestDigest, .. image.BlobDigests])
            {
                File.Exists(target.Combine("blobs", "sha256", Sha256Digest.Hex(blob))).Should().BeTrue($"{blob} of {image.Architecture} must be copied");
            }
        }
    }

    [Fact]
    public async Task ListTags_150TagsThroughMountWithSlashes_AllTagsInLexicalOrder()
    {
        var tags = await fixture.Skopeo.ListTagsAsync($"docker://{Local}/many/many");

        tags.Should().Equal(fixture.ManyTags.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetTags_PagedByN_ThreePagesWithLinks()
    {
        var all = new List<string>();
        var next = "/v2/many/many/tags/list?n=50";
        var pages = 0;
        while (next is not null && pages < 10)
        {
            using var response = await _collage.Client.GetAsync(next);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            body.RootElement.GetProperty("name").GetString().Should().Be("many/many");
            all.AddRange(body.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!));
            next = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('<', '>')[1] : null;
            pages++;
        }

        pages.Should().Be(3);
        all.Should().Equal(fixture.ManyTags.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Copy_VhostRootMountOnCdnRegistry_BlobsComeFromCdnWithoutCredentials()
    {
        using var target = TempDirectory.Create("cdn");
        var before = fixture.Cdn.Requests.Count;

        await fixture.Skopeo.CopyAsync($"docker://{Vhost}/team/app:v1", $"dir:{target.Path}");

        Sha256(await File.ReadAllBytesAsync(target.Combine("manifest.json"))).Should().Be(fixture.App.ManifestDigest);
        var cdnRequests = fixture.Cdn.Requests.Skip(before).ToList();
        foreach (var layer in fixture.App.LayerDigests)
        {
            cdnRequests.Should().Contain(r => r.IsForBlob(layer), "registry B redirects blobs to the CDN and Collage follows");
            Sha256(await File.ReadAllBytesAsync(target.Combine(Sha256Digest.Hex(layer)))).Should().Be(layer);
        }

        cdnRequests.Should().OnlyContain(r => !r.HadAuthorization && !r.HadCookie);
    }

    [Fact]
    public async Task Inspect_WholeRegistryMountAndVhosts_ResolveToTheirOwnUpstreams()
    {
        (await InspectDigestAsync($"{Local}/b/other/thing:v1")).Should().Be(fixture.Thing.ManifestDigest);
        (await InspectDigestAsync($"{Vhost}/a/sub/tool:v1")).Should().Be(fixture.Tool.ManifestDigest);
        (await InspectDigestAsync($"{Vhost}/library/alpine:latest")).Should().Be(fixture.Alpine.ManifestDigest);
        (await InspectDigestAsync($"localhost:{_collage.BaseUri.Port}/team/app:v1")).Should().Be(fixture.App.ManifestDigest);
    }

    [Fact]
    public async Task Get_VhostSeesOnlyItsOwnMappings()
    {
        // 127.0.0.2 is a vhost: the global "apps" mount is not visible there; its root mount answers instead.
        using var viaVhost = new HttpRequestMessage(HttpMethod.Get, "/v2/apps/app/manifests/v1");
        viaVhost.Headers.Host = Vhost;
        using var vhostResponse = await _collage.Client.SendAsync(viaVhost);
        vhostResponse.StatusCode.Should().Be(HttpStatusCode.NotFound);

        // The global map has no root mount: a name outside its mounts is unknown, not forwarded.
        using var globalResponse = await _collage.Client.GetAsync("/v2/team/app/manifests/v1");
        globalResponse.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Functional.ErrorAnswerTests.ErrorCodeAsync(globalResponse)).Should().Be("NAME_UNKNOWN");
    }

    [Fact]
    public async Task GetCatalog_AcrossBothUpstreams_MergedSortedLocalNames()
    {
        var expected = fixture.Repositories.Where(r => r.StartsWith("team/", StringComparison.Ordinal)).Select(r => "apps/" + r["team/".Length..])
            .Concat(fixture.Repositories.Where(r => r.StartsWith("tags/", StringComparison.Ordinal)).Select(r => "many/" + r["tags/".Length..]))
            .Concat(fixture.Repositories.Select(r => "b/" + r))
            .Order(StringComparer.Ordinal)
            .ToList();

        using var body = JsonDocument.Parse(await _collage.Client.GetStringAsync("/v2/_catalog"));

        body.RootElement.GetProperty("repositories").EnumerateArray().Select(e => e.GetString()).Should().Equal(expected);
    }

    [Fact]
    public async Task Push_ThroughGateway_FailsAndNothingReachesUpstream()
    {
        var before = (await fixture.RegistryA.AccessLogBarrierAsync()).Count;
        var push = () => fixture.Skopeo.CopyAsync($"oci:{fixture.Layout.Directory}:{fixture.App.Tag}", $"docker://{Local}/apps/pushed:v1");

        await push.Should().ThrowAsync<ProcessFailedException>();
        var log = (await fixture.RegistryA.AccessLogBarrierAsync()).Skip(before).ToList();
        log.Should().Contain(e => e.Target.Contains("/pushed/", StringComparison.Ordinal), "the reads before the push do pass");
        // skopeo asks whether blobs exist (HEAD, a read) before it uploads; no write may follow.
        log.Where(e => e.Target.Contains("/pushed/", StringComparison.Ordinal)).Should().OnlyContain(e => e.Method == "HEAD" || e.Method == "GET");
        log.Should().NotContain(e => e.Method == "POST" || e.Method == "PUT" || e.Method == "PATCH" || e.Method == "DELETE");
    }

    private async Task<string> InspectDigestAsync(string reference) =>
        Sha256(await fixture.Skopeo.InspectRawAsync($"docker://{reference}"));

    private static string Sha256(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
}
