using System.Net;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// The follower's side of <see cref="FleetPeerProtocol"/>: opens the stream of a blob from the replica holding its
/// fetch lease. Its own connection pool with a short connect timeout (peers are on the cluster's network, and one
/// that does not connect at once has died: waiting for the lease's expiry is the fallback). The bytes are hashed
/// again here as they land, like any fill's, so a peer can abort a transfer but never hand over wrong bytes.
/// </summary>
internal sealed class FleetPeers : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        MaxResponseDrainSize = 0,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>
    /// The holder's 200 for <paramref name="hex"/> with its headers read, or null when it has no fetch of it in flight
    /// any more (404: it just finished) or cannot be reached.
    /// </summary>
    public async Task<HttpResponseMessage?> TryOpenAsync(Uri holder, string hex, string key, TimeSpan headersTimeout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, FleetPeerProtocol.UrlOf(holder, hex));
        request.Headers.TryAddWithoutValidation(FleetPeerProtocol.KeyHeader, key);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(headersTimeout);
        try
        {
            var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.StatusCode == HttpStatusCode.OK && response.Content.Headers.ContentLength is not null)
            {
                return response;
            }

            response.Dispose();
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();
}
