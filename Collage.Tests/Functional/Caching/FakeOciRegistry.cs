using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Collage.Tests.Common;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Caching;

/// <summary>
/// An upstream registry on loopback serving blobs and manifests from dictionaries, for the pull-through cache's tests:
/// manifests by tag chosen by the request's <c>Accept</c> (as distribution does), blobs with byte ranges, every
/// request recorded so a test counts what reached the upstream, and switches for the faults a cache must survive
/// (<see cref="Fault"/>, a <see cref="Gate"/> that holds a blob body mid-way, a chunked body without a length).
/// </summary>
internal sealed class FakeOciRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string MediaType, byte[] Body)[]> _manifests = new(StringComparer.Ordinal);
    private LoopbackServer _server = null!;
    private int _stopped;

    /// <summary>The fault every request meets now.</summary>
    public UpstreamFault Fault { get; set; }

    /// <summary>The Retry-After of <see cref="UpstreamFault.TooManyRequests"/>, in seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 120;

    /// <summary>When set, blob bodies are sent only as far as it allows.</summary>
    public BodyGate? Gate { get; set; }

    /// <summary>Blob bodies without Content-Length (chunked), in small writes.</summary>
    public bool Chunked { get; set; }

    /// <summary><c>127.0.0.1:port</c>, as a mapping and an <c>upstreams</c> key name it.</summary>
    public string Authority => _server.Authority;

    /// <summary>Every request that arrived, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    public static async Task<FakeOciRegistry> StartAsync()
    {
        var registry = new FakeOciRegistry();
        registry._server = await LoopbackServer.StartAsync(registry.HandleAsync);
        return registry;
    }

    /// <summary>The <c>sha256:</c> digest of <paramref name="content"/>.</summary>
    public static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Deterministic content of <paramref name="length"/> bytes, different per <paramref name="seed"/>.</summary>
    public static byte[] Content(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>An OCI image manifest naming <paramref name="config"/> and <paramref name="layers"/>.</summary>
    public static byte[] ImageManifest(string config, params string[] layers) => Encoding.UTF8.GetBytes(
        $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config}}","size":2},"layers":[{{string.Join(',', layers.Select(l => $$"""{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{l}}","size":1}"""))}}]}""");

    /// <summary>Serves <paramref name="content"/> as a blob of <paramref name="repository"/>; returns its digest.</summary>
    public string AddBlob(string repository, byte[] content)
    {
        var digest = DigestOf(content);
        _blobs[$"{repository}@{digest}"] = content;
        return digest;
    }

    /// <summary>
    /// Serves <paramref name="tag"/> of <paramref name="repository"/> as <paramref name="variants"/> (one per media
    /// type; a request gets the first its Accept names, or the first without an Accept), and each by its digest.
    /// </summary>
    public void SetTag(string repository, string tag, params (string MediaType, byte[] Body)[] variants)
    {
        _manifests[$"{repository}:{tag}"] = variants;
        foreach (var variant in variants)
        {
            _manifests[$"{repository}:{DigestOf(variant.Body)}"] = [variant];
        }
    }

    /// <summary>Serves <paramref name="tag"/> as one manifest; returns its digest.</summary>
    public string SetTag(string repository, string tag, string mediaType, byte[] body)
    {
        SetTag(repository, tag, (mediaType, body));
        return DigestOf(body);
    }

    /// <summary>How many <paramref name="method"/> requests for <paramref name="path"/> arrived.</summary>
    public int Count(string method, string path) =>
        Requests.Count(r => r.Method == method && r.Path == path);

    /// <summary>Stops listening: from now on connections to it are refused.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _server.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        switch (Fault)
        {
            case UpstreamFault.Hang:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            case UpstreamFault.Unavailable:
                await ErrorAsync(response, StatusCodes.Status503ServiceUnavailable, "UNAVAILABLE");
                return;
            case UpstreamFault.TooManyRequests:
                response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await ErrorAsync(response, StatusCodes.Status429TooManyRequests, "TOOMANYREQUESTS");
                return;
            case UpstreamFault.NotFound:
                await ErrorAsync(response, StatusCodes.Status404NotFound, "MANIFEST_UNKNOWN");
                return;
        }

        var path = request.Path.Value ?? string.Empty;
        if (Split(path, "/blobs/") is var (blobRepository, digest) && _blobs.TryGetValue($"{blobRepository}@{digest}", out var blob))
        {
            await SendBlobAsync(context, digest, blob);
        }
        else if (Split(path, "/manifests/") is var (manifestRepository, reference) && _manifests.TryGetValue($"{manifestRepository}:{reference}", out var variants)
            && Choose(variants, request.Headers.Accept.ToString()) is { } chosen)
        {
            response.ContentType = chosen.MediaType;
            response.ContentLength = chosen.Body.Length;
            response.Headers["Docker-Content-Digest"] = DigestOf(chosen.Body);
            if (!HttpMethods.IsHead(request.Method))
            {
                await response.Body.WriteAsync(chosen.Body);
            }
        }
        else if (path.EndsWith("/tags/list", StringComparison.Ordinal))
        {
            var repository = path[4..^"/tags/list".Length];
            var tags = _manifests.Keys.Where(k => k.StartsWith(repository + ":", StringComparison.Ordinal) && !k.Contains("sha256:", StringComparison.Ordinal))
                .Select(k => $"\"{k[(repository.Length + 1)..]}\"").Order(StringComparer.Ordinal);
            response.ContentType = "application/json";
            await response.WriteAsync($$"""{"name":"{{repository}}","tags":[{{string.Join(',', tags)}}]}""");
        }
        else
        {
            await ErrorAsync(response, StatusCodes.Status404NotFound, path.Contains("/blobs/", StringComparison.Ordinal) ? "BLOB_UNKNOWN" : "MANIFEST_UNKNOWN");
        }
    }

    private async Task SendBlobAsync(HttpContext context, string digest, byte[] blob)
    {
        var response = context.Response;
        var body = blob;
        if (Fault == UpstreamFault.WrongBytes)
        {
            body = (byte[])blob.Clone();
            body[^1] ^= 0xff;
        }

        var start = 0;
        var end = body.Length;
        if (context.Request.Headers.Range.ToString() is { Length: > 0 } range && range.StartsWith("bytes=", StringComparison.Ordinal))
        {
            var parts = range["bytes=".Length..].Split('-');
            start = int.Parse(parts[0], CultureInfo.InvariantCulture);
            end = parts[1].Length > 0 ? Math.Min(body.Length, int.Parse(parts[1], CultureInfo.InvariantCulture) + 1) : body.Length;
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {start}-{end - 1}/{body.Length}";
        }

        response.ContentType = "application/octet-stream";
        response.Headers["Docker-Content-Digest"] = digest;
        if (!Chunked)
        {
            response.ContentLength = end - start;
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        // Headers first, so a client (the cache) learns of the blob before its body is let through.
        await response.StartAsync(context.RequestAborted);
        var sent = 0L;
        var total = end - start;
        while (sent < total)
        {
            var allowed = Gate is { } gate ? await gate.WaitBeyondAsync(sent, context.RequestAborted) : long.MaxValue;
            var chunk = (int)Math.Min(Math.Min(allowed, total) - sent, Chunked ? 1024 : int.MaxValue);
            await response.Body.WriteAsync(body.AsMemory(start + (int)sent, chunk), context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
            sent += chunk;
        }
    }

    private static (string MediaType, byte[] Body)? Choose((string MediaType, byte[] Body)[] variants, string accept)
    {
        if (accept.Length == 0)
        {
            return variants[0];
        }

        var accepted = accept.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(a => a.Split(';')[0].Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var variant in variants)
        {
            if (accepted.Contains(variant.MediaType) || accepted.Contains("*/*"))
            {
                return variant;
            }
        }

        return null;
    }

    private static (string Repository, string Reference)? Split(string path, string marker)
    {
        var at = path.LastIndexOf(marker, StringComparison.Ordinal);
        return path.StartsWith("/v2/", StringComparison.Ordinal) && at > 4 ? (path[4..at], path[(at + marker.Length)..]) : null;
    }

    private static async Task ErrorAsync(HttpResponse response, int status, string code)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.WriteAsync($$"""{"errors":[{"code":"{{code}}","message":"fake"}]}""");
    }
}
