using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Collage.Tests.Common;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Referrers;

/// <summary>
/// An upstream registry on loopback for the referrers tests: manifests by tag and digest, and on
/// <c>/v2/&lt;name&gt;/referrers/&lt;digest&gt;</c> either the API (paged by <see cref="PageSize"/>, filtering or not) or
/// one of the answers of a registry without it (<see cref="Support"/>). Faults are set apart for the referrers call
/// and for manifest calls (the fallback tag, a referring manifest), so a test can let the first through and fail the
/// second. Every request is recorded; error bodies name the upstream's address and repository, so a test can check
/// that none of it reaches the client.
/// </summary>
internal sealed class ReferrersRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Artifact> _manifests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ImmutableList<Artifact>> _referrers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _repositories = new(StringComparer.Ordinal);
    private LoopbackServer _server = null!;
    private int _stopped;

    private ReferrersRegistry(ReferrersSupport support)
    {
        Support = support;
    }

    public ReferrersSupport Support { get; set; }

    /// <summary>How many descriptors one page of the referrers API holds.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>The fault every referrers request meets now.</summary>
    public ReferrersFault ReferrersFault { get; set; }

    /// <summary>The fault every manifest request meets now.</summary>
    public ReferrersFault ManifestFault { get; set; }

    public int RetryAfterSeconds { get; set; } = 30;

    /// <summary>When set, manifest bodies go out in six pieces this far apart: slow, but never silent for long.</summary>
    public TimeSpan ManifestPause { get; set; }

    /// <summary>When set, the WWW-Authenticate to answer 401 with for a request it returns one for.</summary>
    public Func<HttpRequest, string?>? Challenge { get; set; }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Authority => _server.Authority;

    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    /// <summary>The requests for referrers, in order.</summary>
    public IReadOnlyList<RecordedRequest> ReferrersRequests => [.. Requests.Where(r => r.Path.Contains("/referrers/", StringComparison.Ordinal))];

    /// <summary>The requests for manifests, in order.</summary>
    public IReadOnlyList<RecordedRequest> ManifestRequests => [.. Requests.Where(r => r.Path.Contains("/manifests/", StringComparison.Ordinal))];

    public static async Task<ReferrersRegistry> StartAsync(ReferrersSupport support)
    {
        var registry = new ReferrersRegistry(support);
        registry._server = await LoopbackServer.StartAsync(registry.HandleAsync);
        return registry;
    }

    /// <summary>Serves <paramref name="manifest"/> by its digest and, when given, by <paramref name="tag"/>.</summary>
    public void Put(string repository, Artifact manifest, string? tag = null)
    {
        _repositories[repository] = 0;
        _manifests[$"{repository}:{manifest.Digest}"] = manifest;
        if (tag is not null)
        {
            _manifests[$"{repository}:{tag}"] = manifest;
        }
    }

    /// <summary>Serves <paramref name="index"/> (an image index's bytes) as the referrers tag of <paramref name="subject"/>.</summary>
    public Artifact PutFallbackTag(string repository, Artifact subject, byte[] index)
    {
        var manifest = new Artifact(Artifact.ImageIndex, index, null, null);
        Put(repository, manifest, subject.FallbackTag);
        return manifest;
    }

    /// <summary>Stores <paramref name="referrer"/> and lists it in the referrers API of <paramref name="subject"/>.</summary>
    public void AddReferrer(string repository, Artifact subject, Artifact referrer)
    {
        Put(repository, referrer);
        _referrers.AddOrUpdate($"{repository}@{subject.Digest}", [referrer], (_, list) => list.Add(referrer));
    }

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
        var path = context.Request.Path.Value ?? string.Empty;
        if (Challenge?.Invoke(context.Request) is { } challenge)
        {
            context.Response.Headers.WWWAuthenticate = challenge;
            await ErrorAsync(context.Response, StatusCodes.Status401Unauthorized, "UNAUTHORIZED", path);
        }
        else if (Split(path, "/referrers/") is var (repository, digest))
        {
            if (!await FaultAsync(context, ReferrersFault, path))
            {
                await ReferrersAsync(context, repository, digest);
            }
        }
        else if (Split(path, "/manifests/") is var (manifestRepository, reference))
        {
            if (!await FaultAsync(context, ManifestFault, path))
            {
                await ManifestAsync(context, manifestRepository, reference);
            }
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync("404 page not found\n");
        }
    }

    private async Task ReferrersAsync(HttpContext context, string repository, string digest)
    {
        var response = context.Response;
        switch (Support)
        {
            case ReferrersSupport.NotFound:
                response.StatusCode = StatusCodes.Status404NotFound;
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync("404 page not found\n");
                return;
            case ReferrersSupport.NotFoundOciError:
                await ErrorAsync(response, StatusCodes.Status404NotFound, "UNSUPPORTED", context.Request.Path);
                return;
            case ReferrersSupport.MethodNotAllowed:
                await ErrorAsync(response, StatusCodes.Status405MethodNotAllowed, "UNSUPPORTED", context.Request.Path);
                return;
            case ReferrersSupport.NotImplemented:
                await ErrorAsync(response, StatusCodes.Status501NotImplemented, "UNSUPPORTED", context.Request.Path);
                return;
        }

        if (!_repositories.ContainsKey(repository))
        {
            await ErrorAsync(response, StatusCodes.Status404NotFound, "NAME_UNKNOWN", repository);
            return;
        }

        var artifactType = context.Request.Query["artifactType"].ToString();
        var filter = Support == ReferrersSupport.Api && artifactType.Length > 0;
        var all = _referrers.GetValueOrDefault($"{repository}@{digest}", []).Where(r => !filter || r.ArtifactType == artifactType).ToList();
        var page = int.TryParse(context.Request.Query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 1;
        var descriptors = all.Skip((page - 1) * PageSize).Take(PageSize).Select(a => a.Descriptor()).ToArray();
        if (page * PageSize < all.Count)
        {
            var query = artifactType.Length > 0 ? $"artifactType={Uri.EscapeDataString(artifactType)}&" : string.Empty;
            response.Headers.Link = $"</v2/{repository}/referrers/{digest}?{query}page={page + 1}>; rel=\"next\"";
        }

        if (filter)
        {
            response.Headers["OCI-Filters-Applied"] = "artifactType";
        }

        await SendAsync(context, Artifact.ImageIndex, Artifact.Index(descriptors), announcedDigest: null, TimeSpan.Zero);
    }

    private async Task ManifestAsync(HttpContext context, string repository, string reference)
    {
        if (!_repositories.ContainsKey(repository))
        {
            await ErrorAsync(context.Response, StatusCodes.Status404NotFound, "NAME_UNKNOWN", repository);
        }
        else if (!_manifests.TryGetValue($"{repository}:{reference}", out var manifest))
        {
            await ErrorAsync(context.Response, StatusCodes.Status404NotFound, "MANIFEST_UNKNOWN", $"{repository}:{reference}");
        }
        else
        {
            // Served whatever the Accept says, as distribution serves an OCI manifest; the Accept is recorded for the test.
            var announced = ManifestFault == ReferrersFault.WrongDigest ? Caching.FakeOciRegistry.DigestOf([.. manifest.Body, (byte)' ']) : manifest.Digest;
            await SendAsync(context, manifest.MediaType, manifest.Body, announced, ManifestPause);
        }
    }

    private static async Task SendAsync(HttpContext context, string mediaType, byte[] body, string? announcedDigest, TimeSpan pause)
    {
        var response = context.Response;
        response.ContentType = mediaType;
        response.ContentLength = body.Length;
        if (announcedDigest is not null)
        {
            response.Headers["Docker-Content-Digest"] = announcedDigest;
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        if (pause <= TimeSpan.Zero)
        {
            await response.Body.WriteAsync(body);
            return;
        }

        var piece = Math.Max(1, body.Length / 6);
        for (var offset = 0; offset < body.Length; offset += piece)
        {
            await response.Body.WriteAsync(body.AsMemory(offset, Math.Min(piece, body.Length - offset)), context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(pause, context.RequestAborted);
        }
    }

    private async Task<bool> FaultAsync(HttpContext context, ReferrersFault fault, string what)
    {
        var response = context.Response;
        switch (fault)
        {
            case ReferrersFault.Unavailable:
                await ErrorAsync(response, StatusCodes.Status503ServiceUnavailable, "UNAVAILABLE", what);
                return true;
            case ReferrersFault.InternalError:
                response.StatusCode = StatusCodes.Status500InternalServerError;
                await response.WriteAsync($"panic at http://{Authority}{what}: stack trace");
                return true;
            case ReferrersFault.TooManyRequests:
                response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await ErrorAsync(response, StatusCodes.Status429TooManyRequests, "TOOMANYREQUESTS", what);
                return true;
            case ReferrersFault.Unauthorized:
                response.Headers.WWWAuthenticate = $"Bearer realm=\"http://{Authority}/token\",service=\"{Authority}\"";
                await ErrorAsync(response, StatusCodes.Status401Unauthorized, "UNAUTHORIZED", what);
                return true;
            case ReferrersFault.Forbidden:
                await ErrorAsync(response, StatusCodes.Status403Forbidden, "DENIED", what);
                return true;
            case ReferrersFault.Hang:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return true;
            case ReferrersFault.Reset:
                context.Abort();
                return true;
            default:
                return false;
        }
    }

    private async Task ErrorAsync(HttpResponse response, int status, string code, string what)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        var message = $"{code.ToLowerInvariant()} at http://{Authority}/v2/ for {what}";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes($$$"""{"errors":[{"code":"{{{code}}}","message":"{{{message}}}","detail":{"name":"{{{what}}}"}}]}"""));
    }

    private static (string Repository, string Reference)? Split(string path, string marker)
    {
        var at = path.LastIndexOf(marker, StringComparison.Ordinal);
        return path.StartsWith("/v2/", StringComparison.Ordinal) && at > 4 ? (path[4..at], path[(at + marker.Length)..]) : null;
    }
}
