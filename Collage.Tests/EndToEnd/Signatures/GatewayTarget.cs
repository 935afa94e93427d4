using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.EndToEnd.Signatures;

/// <summary>One way into a gateway: the gateway, the Host it is asked under, and a repository's local name there.</summary>
/// <param name="Collage">The gateway.</param>
/// <param name="Host"><c>127.0.0.1:PORT</c>, or <c>127.0.0.2:PORT</c> for the vhost; skopeo connects to it.</param>
/// <param name="Name">The repository's local name under that Host.</param>
internal sealed record GatewayTarget(CollageServer Collage, string Host, string Name)
{
    /// <summary><c>GET PATH</c> with <c>Host: HOST</c> and, if given, <paramref name="accept"/>.</summary>
    public async Task<HttpResponseMessage> GetAsync(string path, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = Host;
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return await Collage.Client.SendAsync(request);
    }
}
