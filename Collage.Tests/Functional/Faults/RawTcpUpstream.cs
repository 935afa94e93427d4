using System.Net;
using System.Net.Sockets;

namespace Collage.Tests.Functional.Faults;

/// <summary>
/// A TCP server on 127.0.0.1 that is not HTTP at all: each accepted connection is handed to a delegate that
/// writes whatever broken bytes the test wants, then closed. For upstreams that speak garbage or hang up.
/// </summary>
internal sealed class RawTcpUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _accepted;

    private RawTcpUpstream(Func<NetworkStream, CancellationToken, Task> serve)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptAsync(serve);
    }

    /// <summary><c>127.0.0.1:port</c>, as a mapping names it.</summary>
    public string Authority => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public static RawTcpUpstream Start(Func<NetworkStream, CancellationToken, Task> serve) => new(serve);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(Func<NetworkStream, CancellationToken, Task> serve)
    {
        // Bounded by the test: the loop ends when the server is disposed.
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _accepted);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        var stream = client.GetStream();
                        await serve(stream, _stop.Token);
                    }
                    catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
                    {
                    }
                }
            });
        }
    }
}
