using Collage.Transforms.Registry;
using Collage.Transforms.Upstreams;

namespace Collage.Transforms.Caching;

/// <summary>
/// The cache's requests to an upstream: the same client and handler chain as a forwarded request (one connection
/// pool, the token dance, the redirect follower, the upstream's TLS trust), marked with the same
/// <see cref="UpstreamCall"/>, so latency and token scope are the same as without a cache.
/// </summary>
internal sealed class CacheUpstream(UpstreamClientFactory clients)
{
    /// <summary>The User-Agent of the cache's own fetches (they belong to no one client).</summary>
    public const string UserAgent = "Collage (pull-through cache)";

    /// <summary>
    /// Sends <paramref name="method"/> for the request in <paramref name="feature"/> to its upstream, with
    /// <paramref name="accept"/> when given. The response's headers have arrived when this returns.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(RegistryRequestFeature feature, HttpMethod method, string? accept, CancellationToken cancellationToken)
    {
        var resolution = feature.Resolved;
        var request = new HttpRequestMessage(method, new Uri(resolution.Upstream.BaseUri, feature.UpstreamPath));
        UpstreamCall.For(feature).On(request);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        if (!string.IsNullOrEmpty(accept))
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var client = clients.GetClient(feature);
        return SendAsync(client, request, cancellationToken);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpMessageInvoker client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await client.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>The key a repository's grants and tags are stored under: upstream authority and upstream name, or the group's namespace.</summary>
    public static string RepositoryOf(RegistryRequestFeature feature) => feature.Resolved.CacheRepository;
}
