using System.Security.Cryptography;
using System.Text;
using Collage.Tests.Common;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Ui;

/// <summary>
/// A loopback upstream for the page's own tests: an image whose config carries hostile labels, a two-platform index, a
/// repository with <see cref="ManyTags"/> tags, a repository that answers 500 with its own address in the body, one
/// that never answers, and no referrers API (404). Every request recorded.
/// </summary>
internal sealed class UiFakeUpstream
{
    public const int ManyTags = 250;

    /// <summary>A label value and a tag that would run as script if written as markup.</summary>
    public const string HostileLabel = "<script>alert('label')</script>";

    public const string HostileTag = "x_onerror";

    private readonly Dictionary<string, (byte[] Body, string MediaType)> _content = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private UiFakeUpstream()
    {
        var config = Json(new
        {
            created = "2026-11-30T12:00:00Z",
            os = "linux",
            architecture = "amd64",
            config = new { Labels = new Dictionary<string, string> { ["evil"] = HostileLabel, ["org.opencontainers.image.title"] = "app" } },
            rootfs = new { type = "layers", diff_ids = Array.Empty<string>() },
        });
        Config = Add(config, "application/octet-stream");
        var image = Json(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.manifest.v1+json",
            config = new { mediaType = "application/vnd.oci.image.config.v1+json", digest = Config, size = config.Length },
            layers = new[]
            {
                new { mediaType = "application/vnd.oci.image.layer.v1.tar+gzip", digest = "sha256:" + new string('1', 64), size = 1000 },
                new { mediaType = "application/vnd.oci.image.layer.v1.tar+gzip", digest = "sha256:" + new string('2', 64), size = 234567 },
            },
        });
        Image = Add(image, "application/vnd.oci.image.manifest.v1+json");
        Index = Add(Json(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.index.v1+json",
            manifests = new[]
            {
                new { mediaType = "application/vnd.oci.image.manifest.v1+json", digest = Image, size = image.Length, platform = new { os = "linux", architecture = "amd64" } },
                new { mediaType = "application/vnd.oci.image.manifest.v1+json", digest = Image, size = image.Length, platform = new { os = "linux", architecture = "arm64" } },
            },
        }), "application/vnd.oci.image.index.v1+json");
    }

    /// <summary>The artifact type of the index's one referrer.</summary>
    public const string SignatureType = "application/vnd.dev.cosign.artifact.sig.v1+json";

    /// <summary>The digest of the index's one referrer.</summary>
    public static readonly string Signature = "sha256:" + new string('5', 64);

    public LoopbackServer Server { get; private set; } = null!;

    public string Config { get; }

    public string Image { get; }

    public string Index { get; }

    /// <summary>What a pull of <see cref="Image"/> transfers: config and both layers.</summary>
    public long ImageSize => _content[Config].Body.Length + 1000 + 234567;

    /// <summary>The manifest bytes of <see cref="Image"/>.</summary>
    public byte[] ImageBytes => _content[Image].Body;

    public static async Task<UiFakeUpstream> StartAsync()
    {
        var upstream = new UiFakeUpstream();
        upstream.Server = await LoopbackServer.StartAsync(upstream.HandleAsync);
        return upstream;
    }

    /// <summary>Lets the hanging repository's requests end (at disposal).</summary>
    public void Release() => _release.TrySetResult();

    private string Add(byte[] body, string mediaType)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
        _content[digest] = (body, mediaType);
        return digest;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        if (path == "/v2/" || path == "/v2")
        {
            return;
        }

        if (path.StartsWith("/v2/up/broken/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync($"internal error at http://{Server.Authority}/secret-backend token=hunter2");
            return;
        }

        if (path.StartsWith("/v2/up/hang/", StringComparison.Ordinal))
        {
            await _release.Task.WaitAsync(context.RequestAborted);
            return;
        }

        if (path == "/v2/_catalog")
        {
            await Json(context, """{"repositories":["up/app","up/many"]}""");
        }
        else if (path.EndsWith("/tags/list", StringComparison.Ordinal))
        {
            var name = path["/v2/".Length..^"/tags/list".Length];
            var tags = name == "up/many" ? Enumerable.Range(0, ManyTags).Select(i => $"t{i:D3}") : ["v1", "multi", HostileTag];
            await Json(context, $"{{\"name\":\"{name}\",\"tags\":[{string.Join(',', tags.Select(t => $"\"{t}\""))}]}}");
        }
        else if (path.Contains("/manifests/", StringComparison.Ordinal))
        {
            var reference = path[(path.LastIndexOf('/') + 1)..];
            var digest = reference == "multi" ? Index : reference.StartsWith("sha256:", StringComparison.Ordinal) ? reference : Image;
            await Content(context, digest);
        }
        else if (path.EndsWith($"/referrers/{Index}", StringComparison.Ordinal))
        {
            // A signature of the index: the referrers API answers for it, and 404 (no API) for anything else.
            context.Response.ContentType = "application/vnd.oci.image.index.v1+json";
            await context.Response.Body.WriteAsync(Json(new
            {
                schemaVersion = 2,
                mediaType = "application/vnd.oci.image.index.v1+json",
                manifests = new[] { new { mediaType = "application/vnd.oci.image.manifest.v1+json", digest = Signature, size = 321, artifactType = SignatureType } },
            }));
        }
        else if (path.Contains("/blobs/", StringComparison.Ordinal))
        {
            await Content(context, path[(path.LastIndexOf('/') + 1)..]);
        }
        else
        {
            context.Response.StatusCode = 404;
        }
    }

    private async Task Content(HttpContext context, string digest)
    {
        if (!_content.TryGetValue(digest, out var content))
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.ContentType = content.MediaType;
        context.Response.Headers["Docker-Content-Digest"] = digest;
        context.Response.ContentLength = content.Body.Length;
        await context.Response.Body.WriteAsync(content.Body);
    }

    private static byte[] Json(object value) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value);

    private static Task Json(HttpContext context, string json)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json);
    }
}
