using System.Net;
using System.Net.Http.Headers;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// Pushes blobs and manifests to a <see cref="DistributionRegistry"/> over HTTP the way cosign and oras do:
/// a monolithic blob upload (<c>POST /v2/NAME/blobs/uploads/</c>, then <c>PUT LOCATION?digest=D</c> with the bytes)
/// and <c>PUT /v2/NAME/manifests/REF</c> with the manifest's media type. Every answer is checked (201, and the
/// registry's <c>Docker-Content-Digest</c> equal to the sha256 of the bytes sent); a mismatch throws.
/// </summary>
internal sealed class RegistryPusher : IDisposable
{
    private readonly HttpClient _client;

    /// <summary>A pusher for <paramref name="registry"/> (its Basic auth, if any, goes with every request).</summary>
    public RegistryPusher(DistributionRegistry registry) => _client = registry.CreateHttpClient();

    /// <summary>Uploads <paramref name="content"/> into <paramref name="repository"/> and returns its digest.</summary>
    public async Task<string> PushBlobAsync(string repository, byte[] content, CancellationToken cancellationToken = default)
    {
        var digest = Sha256Digest.Of(content);
        using var start = await _client.PostAsync($"v2/{repository}/blobs/uploads/", content: null, cancellationToken);
        await EnsureStatusAsync(start, HttpStatusCode.Accepted, $"POST {repository}/blobs/uploads/", cancellationToken);
        var location = start.Headers.Location ?? throw new InvalidOperationException($"POST {repository}/blobs/uploads/ answered 202 without a Location.");
        var upload = location.IsAbsoluteUri ? location : new Uri(_client.BaseAddress!, location);
        var separator = upload.Query.Length > 0 ? "&" : "?";
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await _client.PutAsync(new Uri(upload + separator + "digest=" + Uri.EscapeDataString(digest)), body, cancellationToken);
        await EnsureStatusAsync(put, HttpStatusCode.Created, $"PUT blob {digest} into {repository}", cancellationToken);
        EnsureDigest(put, digest, $"blob upload into {repository}");
        return digest;
    }

    /// <summary>
    /// Puts <paramref name="manifest"/> as <paramref name="repository"/>:<paramref name="reference"/> (a tag or its
    /// digest) with Content-Type <paramref name="mediaType"/> and returns its digest.
    /// </summary>
    public async Task<string> PushManifestAsync(string repository, string reference, string mediaType, byte[] manifest, CancellationToken cancellationToken = default)
    {
        var digest = Sha256Digest.Of(manifest);
        using var body = new ByteArrayContent(manifest);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var put = await _client.PutAsync($"v2/{repository}/manifests/{reference}", body, cancellationToken);
        await EnsureStatusAsync(put, HttpStatusCode.Created, $"PUT manifest {repository}:{reference}", cancellationToken);
        EnsureDigest(put, digest, $"manifest {repository}:{reference}");
        return digest;
    }

    /// <summary>
    /// Pushes <paramref name="artifact"/>'s blobs, then its manifest as <paramref name="repository"/>:<paramref name="tag"/>
    /// (by its digest when <paramref name="tag"/> is null, as oras does for an artifact with a subject).
    /// </summary>
    public async Task<PushedArtifact> PushArtifactAsync(string repository, string? tag, OciArtifact artifact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        foreach (var blob in artifact.Blobs)
        {
            await PushBlobAsync(repository, blob, cancellationToken);
        }

        var manifest = artifact.ManifestBytes();
        var reference = tag ?? Sha256Digest.Of(manifest);
        var digest = await PushManifestAsync(repository, reference, OciMediaTypes.ImageManifest, manifest, cancellationToken);
        return new PushedArtifact(repository, reference, digest, manifest, artifact);
    }

    /// <summary>Disposes the HTTP client.</summary>
    public void Dispose() => _client.Dispose();

    private static async Task EnsureStatusAsync(HttpResponseMessage response, HttpStatusCode expected, string what, CancellationToken cancellationToken)
    {
        if (response.StatusCode != expected)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}, not {(int)expected}: {text}");
        }
    }

    private static void EnsureDigest(HttpResponseMessage response, string expected, string what)
    {
        var actual = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.SingleOrDefault() : null;
        if (actual != expected)
        {
            throw new InvalidOperationException($"The registry stored {what} as {actual ?? "(no Docker-Content-Digest)"}, not {expected}.");
        }
    }
}
