using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Collage.Transforms.Upstreams;

namespace Collage.Tests.Functional.Infrastructure;

/// <summary>
/// Registered as the <see cref="IUpstreamWireTap"/>, so it sits right on the sockets of every upstream's handler chain:
/// it sees every request that goes on the wire (upstream requests, token fetches, each redirect hop) and,
/// through <see cref="SocketsHttpHandler.ConnectCallback"/>, every TCP connection Collage opens.
/// Connections go to loopback addresses only; any other host is recorded and refused, never resolved.
/// </summary>
internal sealed class EgressRecorder : IUpstreamWireTap
{
    private readonly ConcurrentQueue<string> _connects = new();
    private readonly ConcurrentQueue<Uri> _requests = new();

    /// <summary>Every connection attempt, as <c>host:port</c>.</summary>
    public IReadOnlyList<string> Connects => [.. _connects];

    /// <summary>Every request sent on the wire, as its absolute URI.</summary>
    public IReadOnlyList<Uri> Requests => [.. _requests];

    /// <summary>
    /// A fault to inject instead of connecting: return a stream, throw (e.g. a <see cref="SocketException"/>
    /// for a DNS failure) or wait for the token (a black hole); null connects normally.
    /// </summary>
    public Func<DnsEndPoint, CancellationToken, ValueTask<Stream>?>? Fault { get; set; }

    public HttpMessageHandler Attach(SocketsHttpHandler sockets)
    {
        sockets.ConnectCallback = ConnectAsync;
        return new RecordingHandler(sockets, _requests);
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endPoint = context.DnsEndPoint;
        _connects.Enqueue($"{endPoint.Host}:{endPoint.Port}");
        if (Fault?.Invoke(endPoint, cancellationToken) is { } faulted)
        {
            return await faulted;
        }

        // The tests' network is 127.0.0.0/8 only: nothing else is ever resolved or contacted.
        if (!IPAddress.TryParse(endPoint.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class RecordingHandler(HttpMessageHandler inner, ConcurrentQueue<Uri> requests) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            requests.Enqueue(request.RequestUri!);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
