using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Collage.Tests.EndToEnd.Access;

/// <summary>
/// One HTTP/1.1 keep-alive connection of its own, request after request: HttpClient pools connections and would not
/// say which request went on which, and a test about what one connection does to another must know.
/// </summary>
internal sealed class KeepAliveConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly Uri _server;

    private KeepAliveConnection(TcpClient client, Uri server)
    {
        _client = client;
        _stream = client.GetStream();
        _server = server;
    }

    public static async Task<KeepAliveConnection> OpenAsync(Uri server, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(server.Host, server.Port, cancellationToken);
        return new KeepAliveConnection(client, server);
    }

    /// <summary>Writes a GET of <paramref name="target"/> without waiting for its answer.</summary>
    public Task WriteGetAsync(string target, string? authorization, CancellationToken cancellationToken)
    {
        var request = $"GET {target} HTTP/1.1\r\nHost: {_server.Authority}\r\n"
            + (authorization is null ? string.Empty : $"Authorization: {authorization}\r\n") + "\r\n";
        return _stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken).AsTask();
    }

    /// <summary>Reads one answer (headers and its Content-Length body) and returns its status.</summary>
    public async Task<int> ReadAnswerAsync(CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await _stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException("the server closed the connection");
            }

            head.Append((char)one[0]);
        }

        var lines = head.ToString().Split("\r\n");
        var length = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim(), CultureInfo.InvariantCulture)).FirstOrDefault();
        var body = new byte[length];
        await _stream.ReadExactlyAsync(body, cancellationToken);
        return int.Parse(lines[0].Split(' ', 3)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>A GET and its answer's status.</summary>
    public async Task<int> GetAsync(string target, string? authorization, CancellationToken cancellationToken)
    {
        await WriteGetAsync(target, authorization, cancellationToken);
        return await ReadAnswerAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
