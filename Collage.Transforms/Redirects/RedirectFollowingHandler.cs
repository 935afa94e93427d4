using System.Net;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Rewriting;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Redirects;

/// <summary>
/// Follows upstream redirects server-side for GET and HEAD, so that a client only ever talks to
/// Collage even when a registry sends blob downloads to a CDN (OCI distribution spec, "Pulling
/// blobs": a registry may answer a blob GET with a 307 to another location).
/// </summary>
/// <remarks>
/// <para>
/// The upstream's <see cref="SocketsHttpHandler"/> never follows redirects (<see cref="Upstreams.UpstreamSockets"/>
/// sets <c>AllowAutoRedirect = false</c>); this handler sits right above it and below the token handler
/// (<see cref="Upstreams.UpstreamHandlerChain"/>), so the <c>Authorization</c> the token handler, or a
/// pass-through client, put on the request is seen here and dropped as soon as a hop leaves the upstream's origin.
/// </para>
/// <para>
/// Every hop is a fresh request carrying only <see cref="RegistryHeaders.Request"/>, plus
/// <c>Authorization</c> while the hop stays on the original origin; <c>Cookie</c> never. Each
/// intermediate response is disposed. The final response's <see cref="HttpResponseMessage.RequestMessage"/>
/// is the last hop's request.
/// </para>
/// </remarks>
internal sealed partial class RedirectFollowingHandler : DelegatingHandler
{
    private readonly int _maxRedirects;
    private readonly ILogger<RedirectFollowingHandler> _logger;
    private readonly UpstreamTelemetry? _telemetry;

    /// <summary>Creates the handler; set <see cref="DelegatingHandler.InnerHandler"/> before use.</summary>
    /// <param name="options">The redirect options.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="telemetry">Counts the hops followed; none when null.</param>
    public RedirectFollowingHandler(RedirectOptions options, ILogger<RedirectFollowingHandler> logger, UpstreamTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        if (options.MaxRedirects < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.MaxRedirects, $"{nameof(RedirectOptions.MaxRedirects)} must not be negative.");
        }

        _maxRedirects = options.MaxRedirects;
        _logger = logger;
        _telemetry = telemetry;
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Only safe methods without a body are replayed (RFC 9110 section 9.2.1); anything else
        // passes straight through without an async state machine. Collage is read-only, so this
        // is every forwarded request that can meet a redirect.
        if (!IsFollowable(request))
        {
            return base.SendAsync(request, cancellationToken);
        }

        return SendFollowingAsync(request, cancellationToken);
    }

    private static bool IsFollowable(HttpRequestMessage request)
        => (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head)
            && request.RequestUri is { IsAbsoluteUri: true };

    private async Task<HttpResponseMessage> SendFollowingAsync(HttpRequestMessage original, CancellationToken cancellationToken)
    {
        var upstream = original.RequestUri!;
        var current = original;
        var response = await base.SendAsync(original, cancellationToken).ConfigureAwait(false);

        // Bounded: at most _maxRedirects hops are sent; the iteration after the last allowed hop
        // either returns the final answer or falls out of the loop to the 502.
        for (var redirects = 0; redirects <= _maxRedirects; redirects++)
        {
            if (!TryGetRedirectTarget(response, current.RequestUri!, out var target))
            {
                return response;
            }

            if (redirects == _maxRedirects)
            {
                break;
            }

            var refusal = Check(current.RequestUri!, target);
            if (refusal is { } reason)
            {
                Log.RedirectRefused(_logger, upstream.Authority, target.Scheme, target.Authority, reason);
                return Refuse(original, current, response);
            }

            Log.FollowingRedirect(_logger, (int)response.StatusCode, current.RequestUri!.Authority, target.Authority);
            _telemetry?.RedirectFollowed(crossOrigin: !IsSameOrigin(upstream, target));

            var next = CreateHop(original, target);

            // The redirect's own body is never needed; disposing it frees the connection before
            // the next hop (SocketsHttpHandler drains small bodies back into the pool).
            response.Dispose();
            DisposeHop(current, original);
            current = next;

            cancellationToken.ThrowIfCancellationRequested();
            response = await base.SendAsync(next, cancellationToken).ConfigureAwait(false);
        }

        Log.RedirectLimitExceeded(_logger, upstream.Authority, _maxRedirects);
        return Refuse(original, current, response);
    }

    /// <summary>
    /// The resolved target of a redirect the handler follows, or false for a final answer.
    /// </summary>
    private static bool TryGetRedirectTarget(HttpResponseMessage response, Uri current, out Uri target)
    {
        target = null!;
        if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
        {
            // RFC 9110 section 15.4: without Location a 3xx is just the final answer.
            return false;
        }

        if (location.IsAbsoluteUri)
        {
            target = location;
            return true;
        }

        // RFC 9110 section 10.2.2: a relative Location is resolved against the target URI
        // of the request that produced it (RFC 3986 section 5).
        if (Uri.TryCreate(current, location, out var resolved))
        {
            target = resolved;
            return true;
        }

        return false;
    }

    /// <summary>
    /// 301, 302, 303, 307 and 308 (RFC 9110 sections 15.4.2-15.4.9). 300 asks the client to choose
    /// and 304 is no redirect at all, so both stay final answers. For GET and HEAD every one of
    /// the five keeps the method (303 "GET or HEAD if using HEAD", section 15.4.4).
    /// </summary>
    private static bool IsRedirect(HttpStatusCode status)
        => status is HttpStatusCode.MovedPermanently
            or HttpStatusCode.Found
            or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect
            or HttpStatusCode.PermanentRedirect;

    private static RedirectRefusal? Check(Uri current, Uri target)
    {
        var targetIsHttps = string.Equals(target.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
        if (!targetIsHttps && !string.Equals(target.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase))
        {
            return RedirectRefusal.UnsupportedScheme;
        }

        // What came over TLS must not continue in the clear (the same rule as HttpClient's own
        // redirect handler): a blob's integrity is checked by digest, but the request, its
        // Range and the CDN's signed URL would be exposed.
        if (!targetIsHttps && string.Equals(current.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
        {
            return RedirectRefusal.SchemeDowngrade;
        }

        return null;
    }

    private static HttpRequestMessage CreateHop(HttpRequestMessage original, Uri target)
    {
        var hop = new HttpRequestMessage(original.Method, target)
        {
            Version = original.Version,
            VersionPolicy = original.VersionPolicy,
        };

        // The gateway's one request allow-list: what selects the representation, a part of it or a
        // conditional answer (RFC 9110 sections 12.5, 14.2, 13.1) is a question the redirect target
        // must see to answer the same; everything else, above all credentials and cookies, belongs
        // to the first origin.
        foreach (var name in RegistryHeaders.Request)
        {
            if (original.Headers.TryGetValues(name, out var values))
            {
                hop.Headers.TryAddWithoutValidation(name, values);
            }
        }

        // Credentials are scoped to an origin (RFC 9110 section 11.6.2 and RFC 6454): a bearer
        // token for the registry must not reach its CDN, whose signed URL needs none.
        // Cookie is not in the allow-list at all.
        if (IsSameOrigin(original.RequestUri!, target)
            && original.Headers.TryGetValues("Authorization", out var authorization))
        {
            hop.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return hop;
    }

    /// <summary>The same scheme, host and port (RFC 6454 section 4); default ports count as given.</summary>
    internal static bool IsSameOrigin(Uri a, Uri b)
        => string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
            && a.Port == b.Port;

    private static HttpResponseMessage Refuse(HttpRequestMessage original, HttpRequestMessage current, HttpResponseMessage response)
    {
        response.Dispose();
        DisposeHop(current, original);

        // RFC 9110 section 15.6.3: Collage, acting as a gateway, got an answer it cannot use.
        // No Location and no body: the redirect target (a signed CDN URL) must not leak to the client.
        return new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            RequestMessage = original,
            Content = new ByteArrayContent([]),
        };
    }

    private static void DisposeHop(HttpRequestMessage hop, HttpRequestMessage original)
    {
        // The original request belongs to YARP; only hops created here are disposed here.
        if (!ReferenceEquals(hop, original))
        {
            hop.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.FollowingRedirect, LogLevel.Debug,
            "Following a {StatusCode} redirect from '{FromAuthority}' to '{ToAuthority}'.",
            EventName = "FollowingRedirect")]
        public static partial void FollowingRedirect(ILogger logger, int statusCode, string fromAuthority, string toAuthority);

        // Authorities only: a CDN URL carries its signature in the query.
        [LoggerMessage(EventIds.RedirectLimitExceeded, LogLevel.Warning,
            "Upstream '{UpstreamAuthority}' redirected more than {MaxRedirects} times; answering 502 Bad Gateway.",
            EventName = "RedirectLimitExceeded")]
        public static partial void RedirectLimitExceeded(ILogger logger, string upstreamAuthority, int maxRedirects);

        [LoggerMessage(EventIds.RedirectRefused, LogLevel.Warning,
            "Upstream '{UpstreamAuthority}' redirected to '{TargetScheme}://{TargetAuthority}', refused ({Reason}); answering 502 Bad Gateway.",
            EventName = "RedirectRefused")]
        public static partial void RedirectRefused(
            ILogger logger, string upstreamAuthority, string targetScheme, string targetAuthority, RedirectRefusal reason);
    }
}
