using System.Security.Cryptography;
using Collage.Transforms.Caching.Storage;
using Collage.Transforms.Registry;
using Collage.Transforms.Rewriting;

namespace Collage.Transforms.Caching.Manifests;

/// <summary>
/// The cache's manifest requests to an upstream: a GET whose bytes are checked against the digest asked for (by
/// digest) or the one the upstream announced (<c>Docker-Content-Digest</c>, by tag), and the HEAD that revalidates a
/// tag (a HEAD does not count against Docker Hub's pull limit; its docs, "Definition of limits").
/// </summary>
internal sealed class ManifestUpstream(CacheUpstream upstream)
{
    /// <summary>The largest manifest the cache keeps: distribution's own limit (4 MiB).</summary>
    public const int MaxManifestBytes = 4 * 1024 * 1024;

    private const int MaxErrorBytes = 64 * 1024;

    /// <summary>The media type of a signed Docker schema 1 manifest (a JWS whose signatures change per answer).</summary>
    private const string SignedSchema1 = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    /// <summary>GETs the manifest; <paramref name="expectedHex"/> is the digest a by-digest request named.</summary>
    public Task<ManifestFetch> GetAsync(RegistryRequestFeature feature, string? accept, string? expectedHex, CancellationToken cancellationToken) =>
        SendAsync(feature, HttpMethod.Get, accept, expectedHex, cancellationToken);

    /// <summary>HEADs the manifest: its digest and media type, without the bytes.</summary>
    public Task<ManifestFetch> HeadAsync(RegistryRequestFeature feature, string? accept, CancellationToken cancellationToken) =>
        SendAsync(feature, HttpMethod.Head, accept, null, cancellationToken);

    private async Task<ManifestFetch> SendAsync(RegistryRequestFeature feature, HttpMethod method, string? accept, string? expectedHex, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(feature.Table.Http.ActivityTimeout);
        try
        {
            using var response = await upstream.SendAsync(feature, method, accept, timeout.Token);
            var status = (int)response.StatusCode;
            var content = response.Content;
            if (status != 200)
            {
                var error = method == HttpMethod.Head ? [] : await BoundedContent.ReadAsync(content, MaxErrorBytes, timeout, feature.Table.Http.ActivityTimeout) ?? [];
                return new ManifestFetch.Refused(status, error, response.Headers.RetryAfter?.ToString());
            }

            var announced = response.Headers.TryGetValues(RegistryHeaders.DockerContentDigest, out var values)
                && ContentDigest.TryGetSha256(values.FirstOrDefault(), out var hex) ? hex : null;
            var mediaType = content.Headers.ContentType?.ToString() ?? "application/octet-stream";
            if (string.Equals(content.Headers.ContentType?.MediaType, SignedSchema1, StringComparison.OrdinalIgnoreCase))
            {
                return new ManifestFetch.Unverifiable();
            }

            if (method == HttpMethod.Head)
            {
                return announced is null ? new ManifestFetch.Mismatch() : new ManifestFetch.Found(announced, mediaType, null);
            }

            var body = await BoundedContent.ReadAsync(content, MaxManifestBytes, timeout, feature.Table.Http.ActivityTimeout);
            if (body is null)
            {
                return new ManifestFetch.TooLarge();
            }

            var actual = Convert.ToHexStringLower(SHA256.HashData(body));
            if ((expectedHex is not null && actual != expectedHex) || (announced is not null && actual != announced))
            {
                return new ManifestFetch.Mismatch();
            }

            return new ManifestFetch.Found(actual, mediaType, body);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return new ManifestFetch.Unreachable(ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);
        }
    }
}
