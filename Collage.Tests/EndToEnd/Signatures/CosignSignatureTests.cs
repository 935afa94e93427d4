using System.Net;
using System.Text.Json;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Signatures;

/// <summary>
/// cosign's tag-based signatures (<c>sha256-HEX.sig</c>, <c>.att</c>, <c>.sbom</c>) pushed to a real distribution
/// 2.8.2 resolve under the local name through a mount and through a vhost root mount, with and without the
/// pull-through cache: the tags are listed, and every manifest and blob arrives byte for byte, by HTTP and by skopeo.
/// </summary>
public sealed class CosignSignatureTests(CosignSignaturesFixture fixture) : IClassFixture<CosignSignaturesFixture>
{
    private const string CacheHeader = "X-Cache";

    /// <summary>(cached, vhost): both gateways, each through the global mount and the vhost root mount.</summary>
    public static TheoryData<bool, bool> Ways => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task GetTagsList_CosignTagsUpstream_ListedUnderLocalName(bool cached, bool vhost)
    {
        var target = fixture.Target(cached, vhost);
        var name = target.Name;

        using var response = await target.GetAsync($"/v2/{name}/tags/list");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        body.RootElement.GetProperty("name").GetString().Should().Be(name);
        body.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().BeEquivalentTo(fixture.Tags);
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task GetManifest_CosignTagsAndDigests_ByteForByteWithSameDigest(bool cached, bool vhost)
    {
        var target = fixture.Target(cached, vhost);
        var name = target.Name;

        foreach (var artifact in fixture.Artifacts.Values)
        {
            foreach (var reference in new[] { artifact.Reference, artifact.Digest, artifact.Reference })
            {
                using var response = await target.GetAsync($"/v2/{name}/manifests/{reference}", OciMediaTypes.ImageManifest);
                response.StatusCode.Should().Be(HttpStatusCode.OK, "{0}:{1} is upstream", name, reference);
                (await response.Content.ReadAsByteArrayAsync()).Should().Equal(artifact.Manifest, "{0}:{1} must pass byte for byte", name, reference);
                response.Headers.GetValues("Docker-Content-Digest").Should().Equal(artifact.Digest);
                response.Content.Headers.ContentType!.MediaType.Should().Be(OciMediaTypes.ImageManifest);
            }

            if (cached)
            {
                // Asked once above already: the cache keeps the tag like any other.
                using var again = await target.GetAsync($"/v2/{name}/manifests/{artifact.Reference}", OciMediaTypes.ImageManifest);
                again.Headers.GetValues(CacheHeader).Should().Equal("HIT");
                (await again.Content.ReadAsByteArrayAsync()).Should().Equal(artifact.Manifest);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task GetBlob_CosignArtifactBlobs_ByteForByte(bool cached, bool vhost)
    {
        var target = fixture.Target(cached, vhost);
        var name = target.Name;
        var blobs = fixture.Artifacts.Values.SelectMany(a => a.Blobs).ToList();
        blobs.Should().HaveCount(6, "each artifact has a config and one layer");

        foreach (var (digest, content) in blobs)
        {
            using var response = await target.GetAsync($"/v2/{name}/blobs/{digest}");
            response.StatusCode.Should().Be(HttpStatusCode.OK, "blob {0} is upstream", digest);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Sha256Digest.Of(bytes).Should().Be(digest);
            bytes.Should().Equal(content);
            if (cached)
            {
                using var again = await target.GetAsync($"/v2/{name}/blobs/{digest}");
                again.Headers.GetValues(CacheHeader).Should().Equal("HIT");
                Sha256Digest.Of(await again.Content.ReadAsByteArrayAsync()).Should().Be(digest);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task SkopeoInspectRaw_CosignTags_EqualPushedBytes(bool cached, bool vhost)
    {
        var (_, host, name) = fixture.Target(cached, vhost);

        foreach (var artifact in fixture.Artifacts.Values)
        {
            var raw = await fixture.Skopeo.InspectRawAsync($"docker://{host}/{name}:{artifact.Reference}");
            raw.Should().Equal(artifact.Manifest, "{0}:{1} must pass byte for byte", name, artifact.Reference);
        }
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task SkopeoCopy_SignatureTag_DirHoldsManifestAndBlobs(bool cached, bool vhost)
    {
        var (_, host, name) = fixture.Target(cached, vhost);
        var signature = fixture.Artifacts["sig"];
        using var target = TempDirectory.Create("cosign-copy");

        await fixture.Skopeo.CopyAsync($"docker://{host}/{name}:{signature.Reference}", $"dir:{target.Path}");

        (await File.ReadAllBytesAsync(target.Combine("manifest.json"))).Should().Equal(signature.Manifest);
        foreach (var (digest, content) in signature.Blobs)
        {
            var copied = await File.ReadAllBytesAsync(target.Combine(Sha256Digest.Hex(digest)));
            Sha256Digest.Of(copied).Should().Be(digest);
            copied.Should().Equal(content);
        }
    }
}
