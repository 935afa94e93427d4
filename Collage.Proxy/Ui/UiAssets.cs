using System.Collections.Frozen;

namespace Collage.Proxy.Ui;

/// <summary>
/// The page's stylesheet and script, embedded in the binary (no CDN, no external fonts), read once at start-up and
/// served with a validator so a browser revalidates instead of downloading again.
/// </summary>
internal static class UiAssets
{
    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType, string ETag)> Files = Load();

    /// <summary>Serves <c>{base}/assets/{file}</c>.</summary>
    public static Task HandleAsync(HttpContext context, string file)
    {
        if (!Files.TryGetValue(file, out var asset))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        UiLayout.SetHeaders(context.Response, asset.ContentType);
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        context.Response.ContentLength = asset.Bytes.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(asset.Bytes, context.RequestAborted).AsTask();
    }

    private static FrozenDictionary<string, (byte[], string, string)> Load()
    {
        var assembly = typeof(UiAssets).Assembly;
        var files = new Dictionary<string, (byte[], string, string)>(StringComparer.Ordinal);
        foreach (var (file, contentType) in new[] { ("ui.css", "text/css; charset=utf-8"), ("ui.js", "text/javascript; charset=utf-8") })
        {
            using var stream = assembly.GetManifestResourceStream($"Collage.Proxy.Ui.Assets.{file}")
                ?? throw new InvalidOperationException($"The embedded asset {file} is missing from the build.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            files[file] = (bytes, contentType, $"\"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..16]}\"");
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
