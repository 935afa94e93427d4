using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Collage.Tests.Common;
using Collage.Tests.Functional.Authentication;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Groups;

/// <summary>
/// One member of an upstream group on loopback: manifests (by tag and digest), blobs and tag lists of the repositories
/// under its namespace <see cref="Namespace"/>, every request recorded so a test counts what reached it, a
/// <see cref="Fault"/> to fail with, optionally its own Bearer token server (a token it accepts only if that server
/// issued it), blob downloads redirected to a path of its own like a CDN, and a hook for extra headers.
/// </summary>
internal sealed class MemberRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (string MediaType, byte[] Body)> _manifests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _tokens = new(StringComparer.Ordinal);
    private LoopbackServer _server = null!;
    private int _stopped;

    private MemberRegistry(string ns) => Namespace = ns;

    /// <summary>The upstream namespace the group mounts (<c>one</c>, <c>two</c>), also in this member's tokens.</summary>
    public string Namespace { get; }

    /// <summary>The fault every registry request meets now.</summary>
    public MemberFault Fault { get; set; }

    /// <summary>The Retry-After of <see cref="MemberFault.TooManyRequests"/>, in seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 120;

    /// <summary>Completes to let <see cref="MemberFault.DiesMidBody"/> reset the connection.</summary>
    public TaskCompletionSource CutBody { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, every registry request needs a Bearer token this server issued.</summary>
    public FakeTokenServer? TokenServer { get; private set; }

    /// <summary>Blob GETs answer 307 to <c>/cdn/&lt;digest&gt;</c> on this server, which serves the bytes.</summary>
    public bool RedirectBlobs { get; set; }

    /// <summary>When more than zero, <c>tags/list</c> answers in pages of this many, with a <c>Link</c> to the next.</summary>
    public int TagPageSize { get; set; }

    /// <summary>Called before a successful answer is written, to add headers (Link, Location).</summary>
    public Action<HttpContext>? Decorate { get; set; }

    /// <summary><c>127.0.0.1:port</c>, as a mapping and an <c>upstreams</c> key name it.</summary>
    public string Authority => _server.Authority;

    /// <summary>The member as a group lists it: <c>http://127.0.0.1:port/one</c>.</summary>
    public string Source => $"http://{Authority}/{Namespace}";

    /// <summary>Every request that arrived, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    /// <summary>The requests for the registry API's repositories (not <c>/v2/</c> itself, not the CDN path).</summary>
    public IReadOnlyList<RecordedRequest> RepositoryRequests => [.. Requests.Where(r => r.Path.StartsWith($"/v2/{Namespace}/", StringComparison.Ordinal))];

    public static async Task<MemberRegistry> StartAsync(string ns, bool withTokenServer = false)
    {
        var registry = new MemberRegistry(ns);
        if (withTokenServer)
        {
            registry.TokenServer = await FakeTokenServer.StartAsync();
            registry.TokenServer.Respond = registry.IssueTokenAsync;
        }

        registry._server = await LoopbackServer.StartAsync(registry.HandleAsync);
        return registry;
    }

    /// <summary>The <c>sha256:</c> digest of <paramref name="content"/>.</summary>
    public static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Serves <paramref name="content"/> as a blob of <c>NS/repository</c>; returns its digest.</summary>
    public string AddBlob(string repository, byte[] content)
    {
        var digest = DigestOf(content);
        _blobs[$"{Namespace}/{repository}@{digest}"] = content;
        return digest;
    }

    /// <summary>Serves <paramref name="body"/> as tag <paramref name="tag"/> of <c>NS/repository</c>, and by its digest.</summary>
    public string SetTag(string repository, string tag, byte[] body, string mediaType = "application/vnd.oci.image.manifest.v1+json")
    {
        var digest = DigestOf(body);
        _manifests[$"{Namespace}/{repository}:{tag}"] = (mediaType, body);
        _manifests[$"{Namespace}/{repository}:{digest}"] = (mediaType, body);
        return digest;
    }

    /// <summary>Serves <paramref name="body"/> by digest only; returns the digest.</summary>
    public string AddManifest(string repository, byte[] body, string mediaType = "application/vnd.oci.image.manifest.v1+json")
    {
        var digest = DigestOf(body);
        _manifests[$"{Namespace}/{repository}:{digest}"] = (mediaType, body);
        return digest;
    }

    /// <summary>How many requests for <paramref name="path"/> arrived (any method).</summary>
    public int Count(string path) => Requests.Count(r => r.Path == path);

    /// <summary>Stops listening: from now on connections to it are refused.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _server.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (TokenServer is not null)
        {
            await TokenServer.DisposeAsync();
        }
    }

    private async Task IssueTokenAsync(HttpContext context, int n)
    {
        var token = $"{Namespace}-token-{n}";
        _tokens[token] = true;
        await context.Response.WriteAsJsonAsync(new { token, expires_in = 300, issued_at = DateTimeOffset.UtcNow });
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var response = context.Response;
        if (path.StartsWith("/cdn/", StringComparison.Ordinal))
        {
            var hex = path["/cdn/".Length..];
            var stored = _blobs.FirstOrDefault(b => b.Key.EndsWith("@sha256:" + hex, StringComparison.Ordinal)).Value;
            await WriteAsync(context, "application/octet-stream", stored ?? []);
            return;
        }

        if (TokenServer is not null && !HasToken(context.Request))
        {
            response.StatusCode = StatusCodes.Status401Unauthorized;
            response.Headers.WWWAuthenticate = $"Bearer realm=\"{TokenServer.BaseUri}token\",service=\"{Namespace}-registry\"";
            await response.WriteAsync("""{"errors":[{"code":"UNAUTHORIZED","message":"fake"}]}""");
            return;
        }

        switch (Fault)
        {
            case MemberFault.Reset:
                context.Abort();
                return;
            case MemberFault.InternalError:
                await ErrorAsync(response, StatusCodes.Status500InternalServerError, "UNKNOWN");
                return;
            case MemberFault.Unavailable:
                await ErrorAsync(response, StatusCodes.Status503ServiceUnavailable, "UNAVAILABLE");
                return;
            case MemberFault.TooManyRequests:
                response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await ErrorAsync(response, StatusCodes.Status429TooManyRequests, "TOOMANYREQUESTS");
                return;
            case MemberFault.Hang:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
        }

        if (path == "/v2/_catalog")
        {
            var names = _manifests.Keys.Select(k => $"\"{k[..k.IndexOf(':', StringComparison.Ordinal)]}\"").Distinct().Order(StringComparer.Ordinal);
            await WriteAsync(context, "application/json", System.Text.Encoding.UTF8.GetBytes($$"""{"repositories":[{{string.Join(',', names)}}]}"""));
        }
        else if (Split(path, "/blobs/") is var (blobRepository, digest) && _blobs.TryGetValue($"{blobRepository}@{digest}", out var blob))
        {
            await SendBlobAsync(context, digest, blob);
        }
        else if (Split(path, "/manifests/") is var (repository, reference) && _manifests.TryGetValue($"{repository}:{reference}", out var manifest))
        {
            response.Headers["Docker-Content-Digest"] = DigestOf(manifest.Body);
            await WriteAsync(context, manifest.MediaType, manifest.Body);
        }
        else if (path.EndsWith("/tags/list", StringComparison.Ordinal) && path[4..^"/tags/list".Length] is var name
            && _manifests.Keys.Where(k => k.StartsWith(name + ":", StringComparison.Ordinal) && !k.Contains("sha256:", StringComparison.Ordinal)).ToList() is { Count: > 0 } keys)
        {
            await SendTagsAsync(context, name, keys.Select(k => k[(name.Length + 1)..]));
        }
        else
        {
            var code = path.Contains("/blobs/", StringComparison.Ordinal) ? "BLOB_UNKNOWN" : path.EndsWith("/tags/list", StringComparison.Ordinal) ? "NAME_UNKNOWN" : "MANIFEST_UNKNOWN";
            await ErrorAsync(response, StatusCodes.Status404NotFound, code);
        }
    }

    // Not in order (reversed: Collage sorts), as distribution 2.8.2 lists them; in pages of TagPageSize with a Link to the next when set.
    private async Task SendTagsAsync(HttpContext context, string name, IEnumerable<string> all)
    {
        var tags = all.OrderByDescending(t => t, StringComparer.Ordinal).ToList();
        if (TagPageSize > 0)
        {
            var last = context.Request.Query["last"].ToString();
            var rest = last.Length == 0 ? tags : tags.SkipWhile(t => t != last).Skip(1).ToList();
            tags = rest.Take(TagPageSize).ToList();
            if (rest.Count > TagPageSize)
            {
                context.Response.Headers.Link = $"</v2/{name}/tags/list?n={TagPageSize}&last={tags[^1]}>; rel=\"next\"";
            }
        }

        var json = string.Join(',', tags.Select(t => $"\"{t}\""));
        await WriteAsync(context, "application/json", System.Text.Encoding.UTF8.GetBytes($$"""{"name":"{{name}}","tags":[{{json}}]}"""));
    }

    private bool HasToken(HttpRequest request) =>
        request.Headers.Authorization.ToString() is var authorization
        && authorization.StartsWith("Bearer ", StringComparison.Ordinal)
        && _tokens.ContainsKey(authorization["Bearer ".Length..]);

    private async Task SendBlobAsync(HttpContext context, string digest, byte[] blob)
    {
        var response = context.Response;
        if (RedirectBlobs && HttpMethods.IsGet(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            response.Headers.Location = $"/cdn/{digest["sha256:".Length..]}";
            return;
        }

        response.Headers["Docker-Content-Digest"] = digest;
        if (Fault != MemberFault.DiesMidBody || HttpMethods.IsHead(context.Request.Method))
        {
            await WriteAsync(context, "application/octet-stream", blob);
            return;
        }

        response.ContentType = "application/octet-stream";
        response.ContentLength = blob.Length;
        await response.Body.WriteAsync(blob.AsMemory(0, blob.Length / 2), context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);
        await CutBody.Task.WaitAsync(TimeSpan.FromSeconds(20), context.RequestAborted);
        context.Abort();
    }

    private async Task WriteAsync(HttpContext context, string mediaType, byte[] body)
    {
        Decorate?.Invoke(context);
        context.Response.ContentType = mediaType;
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
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
        await response.WriteAsync($$"""{"errors":[{"code":"{{code}}","message":"fake member failure"}]}""");
    }
}
