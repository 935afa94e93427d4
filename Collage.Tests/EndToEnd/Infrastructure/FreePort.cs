using System.Net;
using System.Net.Sockets;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// Finds a TCP port on 127.0.0.1 that is free right now, for processes that cannot bind port 0 and report it back
/// (the distribution registry). The port is released before returning, so another process may take it in between:
/// callers that start a server on it retry on "address already in use".
/// </summary>
internal static class FreePort
{
    /// <summary>Binds a socket to 127.0.0.1:0, reads the port the kernel chose, and closes the socket.</summary>
    public static int Next()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>
    /// Whether something accepts a TCP connection on 127.0.0.1:<paramref name="port"/> within 2 s (a server started by
    /// a test is ready): false on a refusal, a timeout or <paramref name="cancellationToken"/>.
    /// </summary>
    public static async Task<bool> AcceptsAsync(int port, CancellationToken cancellationToken = default)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await socket.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), timeout.Token);
            return true;
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
