using System.Security.Cryptography;
using System.Text;
using Collage.Tests.Common;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Access;

/// <summary>
/// A loopback upstream that has every repository: a manifest for any reference, one blob, a tag list, a referrers
/// index and a catalog; every request recorded, so a test proves a refused request never reached it.
/// </summary>
internal static class AccessUpstream
{
    public static readonly byte[] Blob = Encoding.UTF8.GetBytes("layer bytes of every repository");

    public static readonly string BlobDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Blob));

    public static readonly byte[] Manifest = Encoding.UTF8.GetBytes(
        $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{BlobDigest}}","size":{{Blob.Length}}},"layers":[]}""");

    public static readonly string ManifestDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Manifest));

    /// <summary>Repositories the upstream's <c>_catalog</c> lists, under its prefix <c>up/</c>.</summary>
    public static string[] Catalog { get; } = ["up/internal/b", "up/library/c", "up/public/a", "up/team/d"];

    public static Task<LoopbackServer> StartAsync() => LoopbackServer.StartAsync(HandleAsync);

    private static Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        var head = HttpMethods.IsHead(context.Request.Method);
        if (path.EndsWith("/_catalog", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync($"{{\"repositories\":[{string.Join(',', Catalog.Select(c => $"\"{c}\""))}]}}");
        }

        if (path.EndsWith("/tags/list", StringComparison.Ordinal))
        {
            var name = path["/v2/".Length..^"/tags/list".Length];
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync($"{{\"name\":\"{name}\",\"tags\":[\"v1\"]}}");
        }

        if (path.Contains("/referrers/", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/vnd.oci.image.index.v1+json";
            return context.Response.WriteAsync("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}");
        }

        var (body, type, digest) = path.Contains("/blobs/", StringComparison.Ordinal)
            ? (Blob, "application/octet-stream", BlobDigest)
            : (Manifest, "application/vnd.oci.image.manifest.v1+json", ManifestDigest);
        context.Response.ContentType = type;
        context.Response.ContentLength = body.Length;
        context.Response.Headers["Docker-Content-Digest"] = digest;
        return head ? Task.CompletedTask : context.Response.Body.WriteAsync(body).AsTask();
    }
}
