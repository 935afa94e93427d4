using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Collage.Tests.Functional.Hostile;

/// <summary>
/// Sends a whole request byte for byte (request line, headers, body) and reads the answer to the close:
/// hostile requests are exactly what HttpClient refuses to send.
/// </summary>
/// <remarks>
/// Once the answer is complete by its own framing (RFC 9112 section 6.3: the head, then Content-Length bytes),
/// the client half-closes its side, as a client with nothing more to send does, and reads on to the server's
/// close, so anything the server sends after the answer (a second, smuggled response) is still caught. Without
/// the half-close, a request whose announced body never comes (Content-Length with Transfer-Encoding: chunked)
/// would hold the read until Kestrel gives up draining that body, 5 s and a heartbeat later: Kestrel reads
/// on after the answer so that a client still sending does not get a reset instead (RFC 9112 section 9.6),
/// and the half-close is what ends that read at once.
/// </remarks>
internal static class RawRequest
{
    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();

    /// <summary>The status (0 when the server closed without an answer), the head and the body.</summary>
    public static async Task<(int Status, string Head, string Body)> SendAsync(Uri server, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        await using var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request), timeout.Token);
        }
        catch (IOException)
        {
            // The server may answer and close before it has read everything (a refused body or header bomb).
        }

        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        var halfClosed = false;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0 && received.Length < 1024 * 1024)
            {
                received.Write(buffer, 0, read);
                if (!halfClosed && IsComplete(received))
                {
                    halfClosed = true;
                    HalfClose(client.Client);
                }
            }
        }
        catch (IOException)
        {
            // A reset after the answer: what arrived is what counts.
        }

        var text = Encoding.UTF8.GetString(received.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var parts = head.Split(' ', 3);
        var status = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        return (status, head, split < 0 ? string.Empty : text[(split + 4)..]);
    }

    /// <summary>
    /// Whether <paramref name="received"/> holds a whole answer framed by Content-Length. An answer without one
    /// (delimited by the close) is never complete before the close.
    /// </summary>
    private static bool IsComplete(MemoryStream received)
    {
        var bytes = received.GetBuffer().AsSpan(0, (int)received.Length);
        var split = bytes.IndexOf(EndOfHead);
        if (split < 0)
        {
            return false;
        }

        foreach (var line in Encoding.ASCII.GetString(bytes[..split]).Split("\r\n").Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0
                && line.AsSpan(0, colon).Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(line.AsSpan(colon + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                return bytes.Length - split - EndOfHead.Length >= length;
            }
        }

        return false;
    }

    private static void HalfClose(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The server has reset the connection already: the read that follows sees its end.
        }
    }
}
