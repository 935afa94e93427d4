using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// Writes an OCI image layout directory (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/HEX</c>) from C#,
/// with real gzip'ed tar layers, configs with correct <c>rootfs.diff_ids</c>, image manifests and multi-platform
/// indexes. skopeo reads it as <c>oci:DIR:TAG</c>. Not thread-safe.
/// </summary>
internal sealed class OciImageLayout
{
    /// <summary>The annotation through which an index.json entry names its tag.</summary>
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    private readonly List<JsonObject> _entries = [];
    private readonly HashSet<string> _tags = new(StringComparer.Ordinal);
    private int _imageCount;

    /// <summary>Creates the layout in <paramref name="directory"/> (created if missing; an existing layout there is replaced).</summary>
    public OciImageLayout(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        WriteIndexJson();
    }

    /// <summary>The layout directory.</summary>
    public string Directory { get; }

    /// <summary>The tags in index.json so far.</summary>
    public IReadOnlyCollection<string> Tags => _tags;

    /// <summary>The skopeo reference <c>oci:DIR:TAG</c>.</summary>
    public string Reference(string tag) => $"oci:{Directory}:{tag}";

    /// <summary>
    /// Writes an image with one layer per entry of <paramref name="layerSizes"/> (each a tar holding a file of that
    /// many pseudo-random bytes). The content is deterministic for a given <paramref name="seed"/>; without one it
    /// is derived from the tag, architecture and the image's ordinal, so every image differs. A null
    /// <paramref name="tag"/> leaves it out of index.json (for images reachable only through an index).
    /// </summary>
    public ImageRef AddImage(string? tag, IReadOnlyList<int> layerSizes, string arch = "amd64", string os = "linux", int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        var ordinal = ++_imageCount;
        var baseSeed = seed ?? StableSeed($"{tag}|{arch}|{os}|{ordinal}");

        var layers = new List<LayerRef>(layerSizes.Count);
        for (var i = 0; i < layerSizes.Count; i++)
        {
            var (compressed, diffId) = LayerBlob.Create(layerSizes[i], unchecked(baseSeed + (i * 7919)), $"layer{i}.bin");
            var digest = WriteBlob(compressed);
            layers.Add(new LayerRef(digest, compressed.Length, diffId, layerSizes[i]));
        }

        var config = new JsonObject
        {
            ["created"] = "2024-01-01T00:00:00Z",
            ["architecture"] = arch,
            ["os"] = os,
            ["config"] = new JsonObject
            {
                ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                ["Cmd"] = new JsonArray("/bin/sh"),
                ["Labels"] = new JsonObject { ["collage.e2e.image"] = $"{tag ?? "untagged"}-{arch}-{ordinal}" },
            },
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray([.. layers.Select(l => (JsonNode)l.DiffId)]),
            },
        };
        var configBytes = Encoding.UTF8.GetBytes(config.ToJsonString());
        var configDigest = WriteBlob(configBytes);

        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.ImageManifest,
            ["config"] = Descriptor(OciMediaTypes.ImageConfig, configDigest, configBytes.Length),
            ["layers"] = new JsonArray([.. layers.Select(l => (JsonNode)Descriptor(OciMediaTypes.LayerTarGzip, l.Digest, l.Size))]),
        };
        var manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        var manifestDigest = WriteBlob(manifestBytes);

        if (tag is not null)
        {
            AddEntry(tag, OciMediaTypes.ImageManifest, manifestDigest, manifestBytes.Length);
        }

        return new ImageRef(tag, manifestDigest, manifestBytes, configDigest, layers, arch, os);
    }

    /// <summary>Writes an OCI image index over <paramref name="images"/> (one per platform) and tags it.</summary>
    public IndexRef AddIndex(string tag, params ImageRef[] images)
    {
        ArgumentOutOfRangeException.ThrowIfZero(images.Length);
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.ImageIndex,
            ["manifests"] = new JsonArray([.. images.Select(i =>
            {
                var descriptor = Descriptor(OciMediaTypes.ImageManifest, i.ManifestDigest, i.ManifestBytes.Length);
                descriptor["platform"] = Platform(i);
                return (JsonNode)descriptor;
            })]),
        };
        var indexBytes = Encoding.UTF8.GetBytes(index.ToJsonString());
        var digest = WriteBlob(indexBytes);
        AddEntry(tag, OciMediaTypes.ImageIndex, digest, indexBytes.Length);
        return new IndexRef(tag, digest, indexBytes, images);
    }

    /// <summary>The path of a blob in the layout.</summary>
    public string BlobPath(string digest) => Path.Combine(Directory, "blobs", "sha256", Sha256Digest.Hex(digest));

    private static JsonObject Descriptor(string mediaType, string digest, long size)
        => new() { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = size };

    private static JsonObject Platform(ImageRef image)
        => new() { ["architecture"] = image.Architecture, ["os"] = image.Os };

    private static int StableSeed(string text) => BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);

    private string WriteBlob(byte[] content)
    {
        var digest = Sha256Digest.Of(content);
        var path = BlobPath(digest);
        if (!File.Exists(path))
        {
            File.WriteAllBytes(path, content);
        }

        return digest;
    }

    private void AddEntry(string tag, string mediaType, string digest, long size)
    {
        if (!_tags.Add(tag))
        {
            throw new InvalidOperationException($"The layout already has a tag '{tag}'.");
        }

        var entry = Descriptor(mediaType, digest, size);
        entry["annotations"] = new JsonObject { [RefNameAnnotation] = tag };
        _entries.Add(entry);
        WriteIndexJson();
    }

    private void WriteIndexJson()
    {
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.ImageIndex,
            ["manifests"] = new JsonArray([.. _entries.Select(e => (JsonNode)e.DeepClone())]),
        };
        File.WriteAllText(Path.Combine(Directory, "index.json"), index.ToJsonString());
    }
}
