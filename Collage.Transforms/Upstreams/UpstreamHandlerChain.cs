using Collage.Transforms.Authentication;
using Collage.Transforms.Configuration;
using Collage.Transforms.Credentials;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Mounts;
using Collage.Transforms.RateLimits;
using Collage.Transforms.Redirects;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Upstreams;

/// <summary>
/// Builds the handler chain of one upstream, the one place its order is decided. Outermost first:
/// <list type="number">
/// <item>
/// <see cref="RateLimitHandler"/>: while the upstream is in back-off after a 429 it answers 429 itself and sends nothing,
/// so it sits above every layer that could send (the token dance, redirect hops) and above the latency handler, which
/// would otherwise record a local answer as the upstream's latency. It reads the final answer's rate-limit headers.
/// </item>
/// <item><see cref="UpstreamLatencyHandler"/> measures what the client waits for, token dance and redirects included.</item>
/// <item>
/// <see cref="UpstreamTokenHandler"/>, for gateway upstreams only: the token dance with the upstream's own credentials.
/// Pass-through upstreams get none: their clients authenticate themselves, and their Authorization goes on as sent.
/// </item>
/// <item>
/// <see cref="RedirectFollowingHandler"/>: below the token handler, so the Authorization added above goes with the
/// first hop only and is dropped on any hop to another origin, and no CDN ever sees it. Token requests pass through
/// it too.
/// </item>
/// <item>
/// The upstream's <see cref="SocketsHttpHandler"/> (<see cref="UpstreamSockets"/>), under every hop and every token
/// request, so the upstream's TLS trust applies to its CDN and its token server as well.
/// </item>
/// </list>
/// </summary>
internal sealed class UpstreamHandlerChain(
    TokenCache tokens,
    UpstreamCredentialResolver credentials,
    RedirectOptions redirects,
    UpstreamBackoff backoff,
    CollageMetrics metrics,
    TimeProvider timeProvider,
    ILogger<UpstreamTokenHandler> tokenLogger,
    ILogger<RedirectFollowingHandler> redirectLogger,
    ILogger<RateLimitHandler> rateLimitLogger,
    IUpstreamWireTap? tap = null)
{
    /// <summary>Builds the chain of <paramref name="upstream"/> on <paramref name="sockets"/>, which it then owns.</summary>
    /// <param name="upstream">The upstream.</param>
    /// <param name="options">The upstream's settings: its auth mode and credentials.</param>
    /// <param name="sockets">The upstream's socket handler, from <see cref="UpstreamSockets.Create"/>.</param>
    /// <param name="dockerConfig">The configured docker <c>config.json</c>, or null for its default location.</param>
    /// <param name="http">The table's <c>Collage:Http</c> settings (the back-off after a 429), or null for the defaults.</param>
    /// <returns>The outermost handler; disposing it disposes the whole chain.</returns>
    public HttpMessageHandler Build(Upstream upstream, UpstreamOptions options, SocketsHttpHandler sockets, string? dockerConfig = null, UpstreamHttpOptions? http = null)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sockets);

        var telemetry = metrics.ForUpstream(upstream);
        return Stack(
            [
                new RateLimitHandler(upstream.Authority, backoff, (http ?? new UpstreamHttpOptions()).RateLimitBackoff, telemetry, rateLimitLogger),
                new UpstreamLatencyHandler(telemetry, timeProvider),
                options.Auth == UpstreamAuthMode.Passthrough
                    ? null
                    : new UpstreamTokenHandler(tokens, tokenLogger, credentials.Resolve(upstream.Authority, options, dockerConfig), telemetry),
                new RedirectFollowingHandler(redirects, redirectLogger, telemetry),
            ],
            tap?.Attach(sockets) ?? sockets);
    }

    /// <summary>Makes each layer the inner handler of the one before it, the last one's <paramref name="bottom"/>; null layers are left out.</summary>
    private static HttpMessageHandler Stack(ReadOnlySpan<DelegatingHandler?> outermostFirst, HttpMessageHandler bottom)
    {
        var inner = bottom;
        for (var i = outermostFirst.Length - 1; i >= 0; i--)
        {
            if (outermostFirst[i] is { } layer)
            {
                layer.InnerHandler = inner;
                inner = layer;
            }
        }

        return inner;
    }
}
