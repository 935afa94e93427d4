using System.Collections.Concurrent;
using System.Net;
using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Collage.Transforms.Upstreams;

/// <summary>
/// One <see cref="HttpMessageInvoker"/> per upstream, shared by YARP (as its client factory) and by the
/// endpoints Collage answers itself (catalog), so each upstream has one connection pool and one token cache.
/// </summary>
internal sealed class UpstreamClientFactory(
    MountTableProvider tables,
    IOptions<UpstreamHttpOptions> httpOptions,
    IEnumerable<IUpstreamHandlerWrapper> wrappers) : IForwarderHttpClientFactory, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<HttpMessageInvoker>> _clients = new(StringComparer.Ordinal);
    private readonly IUpstreamHandlerWrapper[] _wrappers = wrappers.ToArray();

    /// <inheritdoc />
    public HttpMessageInvoker CreateClient(ForwarderHttpClientContext context) => GetClient(context.ClusterId);

    /// <summary>The client of the upstream with <see cref="Upstream.Id"/> <paramref name="upstreamId"/>.</summary>
    public HttpMessageInvoker GetClient(string upstreamId) =>
        _clients.GetOrAdd(upstreamId, id => new Lazy<HttpMessageInvoker>(() => Build(id))).Value;

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            if (client.IsValueCreated)
            {
                client.Value.Dispose();
            }
        }
    }

    private HttpMessageInvoker Build(string upstreamId)
    {
        var table = tables.Current;
        var upstream = table.Upstreams.FirstOrDefault(u => u.Id == upstreamId)
            ?? throw new InvalidOperationException($"No upstream '{upstreamId}' is configured.");
        var options = table.UpstreamOptions.GetValueOrDefault(upstream.Authority) ?? new UpstreamOptions();
        var http = httpOptions.Value;

        var sockets = new SocketsHttpHandler
        {
            // YARP and the redirect follower decide about redirects, cookies and encodings, not the handler.
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            // HTTP(S)_PROXY and NO_PROXY from the environment, as corporate networks need.
            UseProxy = true,
            ConnectTimeout = http.ConnectTimeout,
            PooledConnectionIdleTimeout = http.PooledConnectionIdleTimeout,
            PooledConnectionLifetime = http.PooledConnectionLifetime,
            EnableMultipleHttp2Connections = true,
        };

        HttpMessageHandler handler = sockets;
        foreach (var wrapper in _wrappers)
        {
            handler = wrapper.Wrap(upstream, options, sockets, handler);
        }

        return new HttpMessageInvoker(handler, disposeHandler: true);
    }
}
