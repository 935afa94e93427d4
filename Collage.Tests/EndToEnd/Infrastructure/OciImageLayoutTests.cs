using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace Collage.Tests.EndToEnd.Infrastructure;

public sealed class OciImageLayoutTests : IDisposable
{
    private readonly TempDirectory _dir = TempDirectory.Create("layout-test");

    [Fact]
    public void AddImage_ThreeLayers_WritesGzipTarsWhoseDigestsMatchTheConfigDiffIds()
    {
        var layout = new OciImageLayout(_dir.Path);

        var image = layout.AddImage("v1", [2_000, 500, 10_000], arch: "arm64");

        using var config = JsonDocument.Parse(File.ReadAllBytes(layout.BlobPath(image.ConfigDigest)));
        config.RootElement.GetProperty("architecture").GetString().Should().Be("arm64");
        config.RootElement.GetProperty("os").GetString().Should().Be("linux");
        var diffIds = config.RootElement.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(e => e.GetString()).ToList();
        diffIds.Should().Equal(image.Layers.Select(l => l.DiffId));
        for (var i = 0; i < image.Layers.Count; i++)
        {
            var layer = image.Layers[i];
            var compressed = File.ReadAllBytes(layout.BlobPath(layer.Digest));
            Sha256Digest.Of(compressed).Should().Be(layer.Digest);
            compressed.Length.Should().Be((int)layer.Size);
            var tar = Gunzip(compressed);
            Sha256Digest.Of(tar).Should().Be(layer.DiffId);
            ReadFileSizes(tar).Should().Equal(new Dictionary<string, long> { [$"data/layer{i}.bin"] = layer.ContentSize });
        }
    }

    [Fact]
    public void AddImage_Tagged_ManifestIsInIndexJsonWithRefName()
    {
        var layout = new OciImageLayout(_dir.Path);

        var image = layout.AddImage("v1", [100]);
        layout.AddImage(tag: null, [100]);

        Sha256Digest.Of(File.ReadAllBytes(layout.BlobPath(image.ManifestDigest))).Should().Be(image.ManifestDigest);
        using var manifest = JsonDocument.Parse(image.ManifestBytes);
        manifest.RootElement.GetProperty("mediaType").GetString().Should().Be(OciMediaTypes.ImageManifest);
        manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()).Should().Equal(image.LayerDigests);
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "index.json")));
        var entry = index.RootElement.GetProperty("manifests").EnumerateArray().Should().ContainSingle().Subject;
        entry.GetProperty("digest").GetString().Should().Be(image.ManifestDigest);
        entry.GetProperty("annotations").GetProperty(OciImageLayout.RefNameAnnotation).GetString().Should().Be("v1");
        File.ReadAllText(Path.Combine(_dir.Path, "oci-layout")).Should().Contain("\"imageLayoutVersion\":\"1.0.0\"");
    }

    [Fact]
    public void AddIndex_TwoPlatforms_ListsBothManifestsWithPlatforms()
    {
        var layout = new OciImageLayout(_dir.Path);
        var amd64 = layout.AddImage(tag: null, [100], arch: "amd64");
        var arm64 = layout.AddImage(tag: null, [100], arch: "arm64");

        var index = layout.AddIndex("multi", amd64, arm64);

        using var document = JsonDocument.Parse(File.ReadAllBytes(layout.BlobPath(index.Digest)));
        document.RootElement.GetProperty("mediaType").GetString().Should().Be(OciMediaTypes.ImageIndex);
        var manifests = document.RootElement.GetProperty("manifests").EnumerateArray().ToList();
        manifests.Select(m => m.GetProperty("digest").GetString()).Should().Equal(amd64.ManifestDigest, arm64.ManifestDigest);
        manifests.Select(m => m.GetProperty("platform").GetProperty("architecture").GetString()).Should().Equal("amd64", "arm64");
        amd64.LayerDigests.Should().NotIntersectWith(arm64.LayerDigests, "each platform has its own content");
    }

    [Fact]
    public void AddImage_SameSeedInTwoLayouts_GivesTheSameDigests()
    {
        using var other = TempDirectory.Create("layout-test-2");

        var first = new OciImageLayout(_dir.Path).AddImage("a", [5_000, 6_000], seed: 42);
        var second = new OciImageLayout(other.Path).AddImage("b", [5_000, 6_000], seed: 42);

        second.LayerDigests.Should().Equal(first.LayerDigests);
    }

    [Fact]
    public void AddImage_DuplicateTag_Throws()
    {
        var layout = new OciImageLayout(_dir.Path);
        layout.AddImage("v1", [10]);

        var act = () => layout.AddImage("v1", [10]);

        act.Should().Throw<InvalidOperationException>().WithMessage("*v1*");
    }

    [Fact]
    public async Task Layout_UnpackedByUmoci_VerifiesAndYieldsTheFiles()
    {
        var layout = new OciImageLayout(_dir.Path);
        layout.AddImage("v1", [1_234, 5_678]);
        using var bundle = TempDirectory.Create("umoci-bundle");
        var bundlePath = bundle.Combine("b");

        // umoci checks every blob digest and every diff_id while unpacking.
        (await ProcessRunner.RunAsync("umoci", ["unpack", "--image", $"{_dir.Path}:v1", bundlePath], TimeSpan.FromSeconds(60))).EnsureSuccess();

        new FileInfo(Path.Combine(bundlePath, "rootfs", "data", "layer0.bin")).Length.Should().Be(1_234);
        new FileInfo(Path.Combine(bundlePath, "rootfs", "data", "layer1.bin")).Length.Should().Be(5_678);
    }

    [Fact]
    public async Task Layout_ReadBySkopeo_InspectsWithTheLayoutDigests()
    {
        var layout = new OciImageLayout(_dir.Path);
        var image = layout.AddImage("v1", [300, 400]);
        using var skopeo = new Skopeo();

        var inspection = await skopeo.InspectAsync(layout.Reference("v1"));

        inspection.Digest.Should().Be(image.ManifestDigest);
        inspection.Layers.Should().Equal(image.LayerDigests);
    }

    public void Dispose() => _dir.Dispose();

    private static byte[] Gunzip(byte[] compressed)
    {
        using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static Dictionary<string, long> ReadFileSizes(byte[] tar)
    {
        var files = new Dictionary<string, long>();
        using var reader = new TarReader(new MemoryStream(tar));
        for (var entry = reader.GetNextEntry(); entry is not null; entry = reader.GetNextEntry())
        {
            if (entry.EntryType == TarEntryType.RegularFile)
            {
                files[entry.Name] = entry.Length;
            }
        }

        return files;
    }
}
