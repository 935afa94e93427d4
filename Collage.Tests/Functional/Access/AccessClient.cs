using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Collage.Tests.Functional.Access;

/// <summary>Requests as registry clients send them to Collage with access control: Basic credentials, Host, source address.</summary>
internal static class AccessClient
{
    /// <summary>The parameter of <c>Authorization: Basic</c> for <c>user:password</c>.</summary>
    public static string BasicParameter(string credentials) => Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    /// <summary>A request with <paramref name="credentials"/> (<c>user:password</c>, or null for none) and an optional Host.</summary>
    public static HttpRequestMessage Request(string path, string? credentials, HttpMethod? method = null, string? host = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        if (credentials is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", BasicParameter(credentials));
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        return request;
    }

    /// <summary>Sends and returns the status, disposing the response.</summary>
    public static async Task<HttpStatusCode> StatusAsync(this HttpClient client, string path, string? credentials, HttpMethod? method = null, string? host = null)
    {
        using var request = Request(path, credentials, method, host);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>A client whose connections come from <paramref name="source"/> (e.g. 127.0.0.2), so Collage sees another address.</summary>
    public static HttpClient From(IPAddress source, Uri baseUri) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = baseUri };
}
