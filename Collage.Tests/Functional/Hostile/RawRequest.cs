using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Collage.Tests.Functional.Hostile;

/// <summary>
/// Sends a whole request byte for byte (request line, headers, body) and reads the answer to the close:
/// hostile requests are exactly what HttpClient refuses to send.
/// </summary>
internal static class RawRequest
{
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
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0 && received.Length < 1024 * 1024)
            {
                received.Write(buffer, 0, read);
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
}
