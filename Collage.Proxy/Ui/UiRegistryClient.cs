using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Collage.Proxy.Ui;

/// <summary>
/// The page's way to the registry: Collage's own <c>/v2/</c> over loopback, with the browser's Host (so the vhost is
/// the one the browser sees) and its Authorization (so access control decides as it would for a pull, and a user sees
/// only what they may pull). Going through <c>/v2/</c> rather than beside it keeps one answer for every client: the
/// cache, groups, referrers and rewriting all apply, and nothing here re-implements them.
/// </summary>
internal sealed class UiRegistryClient(IServer server) : IDisposable
{
    /// <summary>How long one call may take: an upstream that hangs is cut by Collage's own timeouts first.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    // Collage's own listener, possibly with Collage's own certificate (one that need not name 127.0.0.1): the
    // connection goes to this process and nowhere else, so there is no one to verify.
    private readonly HttpMessageInvoker _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    });

    private Uri? _base;

    /// <summary>GETs <paramref name="pathAndQuery"/> (under <c>/v2/</c>) for the page request <paramref name="page"/>.</summary>
    /// <param name="page">The browser's request, whose Host and Authorization the call carries.</param>
    /// <param name="pathAndQuery">The registry path, such as <c>/v2/team/app/tags/list?n=100</c>.</param>
    /// <param name="accept">The Accept header, or null.</param>
    /// <param name="maxBytes">The longest body read; a longer one comes back cut, with <see cref="UiAnswer.TooLarge"/>.</param>
    public async Task<UiAnswer> GetAsync(HttpContext page, string pathAndQuery, string? accept, int maxBytes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Base, pathAndQuery));
        request.Headers.Host = page.Request.Host.Value;
        request.Headers.UserAgent.ParseAdd("Collage-UI");
        if (page.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(page.RequestAborted);
        timeout.CancelAfter(CallTimeout);
        using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        var (body, tooLarge) = await ReadCappedAsync(response.Content, maxBytes, timeout.Token).ConfigureAwait(false);
        return new UiAnswer(
            (int)response.StatusCode,
            body,
            response.Content.Headers.ContentType?.MediaType,
            response.Headers.TryGetValues("Docker-Content-Digest", out var digest) ? digest.FirstOrDefault() : null,
            response.Headers.TryGetValues("Link", out var link) ? link.FirstOrDefault() : null,
            tooLarge);
    }

    public void Dispose() => _http.Dispose();

    private static async Task<(byte[] Body, bool TooLarge)> ReadCappedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (buffer.ToArray(), true);
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), false);
    }

    // The first address Kestrel listens on, plain HTTP first; a wildcard bind is reached on 127.0.0.1 (IPv6Any
    // listens dual-mode).
    private Uri Base => _base ??= FindBase();

    private Uri FindBase()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var chosen = addresses.OrderBy(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? 1 : 0).FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel listens on no address.");
        var uri = new Uri(chosen.Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal));
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" || uri.HostNameType == UriHostNameType.Dns ? "127.0.0.1" : uri.Host;
        return new UriBuilder(uri.Scheme, host, uri.Port).Uri;
    }
}
