using System.Net;
using System.Net.Http.Headers;
using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.RateLimits;

/// <summary>
/// The outermost layer of an upstream's handler chain (<see cref="Upstreams.UpstreamHandlerChain"/>): leaves an upstream
/// that answered 429 alone for as long as it asked, and reports Docker Hub's rate-limit headers as gauges.
/// </summary>
/// <remarks>
/// <para>
/// While <see cref="UpstreamBackoff"/> holds the upstream, every request is answered here with a 429 of Collage's own
/// (<see cref="BackoffContent"/>, <c>Retry-After</c> the seconds left, rounded up) and nothing is sent: not the request,
/// not a token fetch, not a redirect hop. Outermost, above the latency handler, so such an answer is not measured as an
/// upstream's latency, and above the token handler, so a token server is not asked for a token that could not be used.
/// </para>
/// <para>
/// A 429 from the upstream (or its token server or CDN, which the layers below hand up as the answer) passes on
/// unchanged and starts the back-off: its <c>Retry-After</c> (RFC 9110 section 10.2.3, delta-seconds or an HTTP-date),
/// at most <see cref="MaxBackoff"/>, else the configured <c>Collage:Http:RateLimitBackoff</c>. Many clients behind one
/// gateway, each retrying on its own schedule, would otherwise keep a limited upstream limited; RFC 6585 section 4
/// lets a server refuse (or count) requests that ignore its Retry-After.
/// </para>
/// </remarks>
internal sealed partial class RateLimitHandler : DelegatingHandler
{
    /// <summary>
    /// The longest back-off a <c>Retry-After</c> can ask for. Docker Hub's window is 6 h (<c>w=21600</c>), but a wait that
    /// long on one answer would outlive an operator's fix (credentials added, a limit raised); an hour bounds how long a
    /// wrong or hostile header shuts an upstream off.
    /// </summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    private readonly string _authority;
    private readonly UpstreamBackoff _backoff;
    private readonly TimeSpan _defaultBackoff;
    private readonly UpstreamTelemetry _telemetry;
    private readonly ILogger<RateLimitHandler> _logger;

    /// <summary>Creates the handler of one upstream; set <see cref="DelegatingHandler.InnerHandler"/> before use.</summary>
    /// <param name="authority">The upstream's <c>host[:port]</c>, its key in <paramref name="backoff"/>.</param>
    /// <param name="backoff">The back-offs of every upstream, shared across clients and reloads.</param>
    /// <param name="defaultBackoff">The wait after a 429 without a usable <c>Retry-After</c>; positive.</param>
    /// <param name="telemetry">The upstream's instruments, for the rate-limit gauges.</param>
    /// <param name="logger">Logs the start of each back-off.</param>
    public RateLimitHandler(string authority, UpstreamBackoff backoff, TimeSpan defaultBackoff, UpstreamTelemetry telemetry, ILogger<RateLimitHandler> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(authority);
        ArgumentNullException.ThrowIfNull(backoff);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(defaultBackoff, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(logger);
        _authority = authority;
        _backoff = backoff;
        _defaultBackoff = defaultBackoff;
        _telemetry = telemetry;
        _logger = logger;
    }

    /// <summary>
    /// Whether <paramref name="response"/> is this handler's own 429, answered while the upstream was in back-off
    /// without sending it anything, rather than a 429 the upstream sent.
    /// </summary>
    public static bool IsBackoffAnswer(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Content is BackoffContent;
    }

    /// <summary>
    /// The back-off a 429 asks for: its <c>Retry-After</c> when that is a positive wait, at most <see cref="MaxBackoff"/>;
    /// null when the header is absent, does not parse, or names no wait (zero, or a date already past), for which the
    /// caller's default applies: the upstream did refuse, and no wait at all would let clients hammer it.
    /// </summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - now : null);
        return wait is not { } positive || positive <= TimeSpan.Zero ? null
            : positive > MaxBackoff ? MaxBackoff
            : positive;
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _backoff.TryGetRemaining(_authority, out var remaining)
            ? Task.FromResult(BackoffAnswer(request, remaining))
            : SendUpstreamAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendUpstreamAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var limit = RateLimitQuota.Read(response, RateLimitQuota.LimitHeader);
        var left = RateLimitQuota.Read(response, RateLimitQuota.RemainingHeader);
        if (limit is not null || left is not null)
        {
            _telemetry.RateLimitReported(limit?.Value, left?.Value, limit?.WindowSeconds ?? left?.WindowSeconds);
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var wait = RetryAfter(response, _backoff.TimeProvider.GetUtcNow()) ?? _defaultBackoff;
            if (_backoff.Enter(_authority, wait))
            {
                LogBackoffEntered(_logger, _authority, WholeSeconds(wait));
            }
        }

        return response;
    }

    private static HttpResponseMessage BackoffAnswer(HttpRequestMessage request, TimeSpan remaining)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new BackoffContent(), RequestMessage = request };
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(WholeSeconds(remaining)));
        return response;
    }

    // Rounded up: a client that waits the seconds it was told must not arrive a fraction early and be refused again.
    private static long WholeSeconds(TimeSpan wait) => (wait.Ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;

    [LoggerMessage(EventId = EventIds.UpstreamBackoffEntered, Level = LogLevel.Warning,
        Message = "Upstream {Upstream} answered 429 Too Many Requests; sending it nothing for {Seconds} s, answering 429 meanwhile")]
    private static partial void LogBackoffEntered(ILogger logger, string upstream, long seconds);
}
