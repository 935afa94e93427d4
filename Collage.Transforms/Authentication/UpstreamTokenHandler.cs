using System.Net;
using System.Net.Http.Headers;
using Collage.Transforms.Credentials;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Upstreams;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Authentication;

/// <summary>
/// Does the Bearer token dance of the distribution token spec
/// (https://distribution.github.io/distribution/spec/auth/token/) with an upstream registry:
/// on a 401 with a Bearer challenge it asks the challenge's realm for a token, anonymously or with
/// the upstream's configured credentials, and sends the request again once with it. Tokens are cached
/// per credentials, and once an upstream's realm is known a cached token goes with the first request,
/// saving the 401. With a password, a Basic-only challenge (RFC 7617) is answered with it too
/// (<see cref="BasicAuthentication"/>).
/// </summary>
/// <remarks>
/// Only GET and HEAD are handled: they carry no body, so sending them again is safe. Gateway upstreams
/// only; its place in the chain is <see cref="Upstreams.UpstreamHandlerChain"/>'s: above the redirect
/// follower, which carries the token to the first hop only and drops it on any hop to another origin,
/// so no CDN ever sees it. Token requests go down the same follower and sockets, so the upstream's
/// TLS trust applies to its token server too.
/// </remarks>
internal sealed partial class UpstreamTokenHandler : DelegatingHandler
{
    private readonly TokenCache _cache;
    private readonly ILogger<UpstreamTokenHandler> _logger;
    private readonly UpstreamTelemetry? _telemetry;
    private readonly UpstreamCredential? _credential;

    // Only with a password: an identity token alone cannot make a Basic header.
    private readonly BasicAuthentication? _basic;

    /// <summary>Creates the handler; set <see cref="DelegatingHandler.InnerHandler"/> before use.</summary>
    /// <param name="cache">The token cache shared by every upstream.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="credential">The upstream's credentials, or null for anonymous tokens.</param>
    /// <param name="telemetry">Counts token fetches and cache hits; none when null.</param>
    public UpstreamTokenHandler(TokenCache cache, ILogger<UpstreamTokenHandler> logger, UpstreamCredential? credential = null, UpstreamTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(logger);
        _cache = cache;
        _logger = logger;
        _telemetry = telemetry;
        _credential = credential;
        _basic = credential is { HasPassword: true } ? new BasicAuthentication(credential, logger) : null;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // A request that brings its own credentials, or one that could not be sent again, is
        // none of our business.
        if (request.RequestUri is not { IsAbsoluteUri: true } uri
            || (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
            || request.Content is not null
            || request.Headers.Authorization is not null)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var origin = uri.GetLeftPart(UriPartial.Authority);
        if (_basic is { Accepted: true })
        {
            request.Headers.Authorization = _basic.Header;
            var sentBasic = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            _basic.Observe(sentBasic, origin);
            return sentBasic;
        }

        // What the request's maker said it is for; a request that says nothing gets the challenge's scope only.
        var derivedScope = UpstreamCall.Of(request)?.Scope;
        var identity = _credential?.Fingerprint;

        // Tokens are only sent up front to the very origin (scheme included) whose challenge
        // named the realm, so none leaks to another host or over plain http.
        TokenCacheKey? sentKey = null;
        string? sentToken = null;
        if (derivedScope is not null && _cache.TryGetRealm(origin, out var known))
        {
            var upFront = new TokenCacheKey(known.Realm, known.Service, derivedScope, identity);
            if (_cache.TryGetToken(upFront, out sentToken))
            {
                sentKey = upFront;
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sentToken);
                Log.SendingCachedToken(_logger, origin);
                _telemetry?.TokenCacheHit();
            }
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        if (sentKey is { } rejectedKey)
        {
            // RFC 6750 section 3.1: invalid_token, e.g. revoked or expired early. Fetch anew below.
            _cache.Invalidate(rejectedKey, sentToken!);
        }

        var challenges = AuthenticationChallengeParser.Parse(response.Headers);
        if (_basic is not null && BasicAuthentication.IsAskedFor(challenges))
        {
            // RFC 7617: the credentials go to the origin that challenged, and only there: the redirect
            // follower inside drops them on any hop to another origin.
            response.Dispose();
            using var withBasic = CopyRequest(request, _basic.Header);
            var answered = await base.SendAsync(withBasic, cancellationToken).ConfigureAwait(false);
            _basic.Observe(answered, origin);
            return answered;
        }

        var key = GetTokenKey(challenges, origin, derivedScope, identity);
        if (key is null)
        {
            return response;
        }

        string token;
        try
        {
            token = await _cache.GetTokenAsync(key.Value, ct => FetchTokenAsync(key.Value, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The upstream's own 401 is the most honest answer the client can get.
            if (_credential is not null)
            {
                Log.CredentialedTokenFetchFailed(_logger, origin, new Uri(key.Value.Realm).Authority, _credential.Source, ex.Message);
            }
            else
            {
                Log.TokenFetchFailed(_logger, origin, new Uri(key.Value.Realm).Authority, ex);
            }

            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }

        _cache.RememberRealm(origin, new BearerRealm(key.Value.Realm, key.Value.Service));
        response.Dispose();

        using var retry = CopyRequest(request, new AuthenticationHeaderValue("Bearer", token));
        var retried = await base.SendAsync(retry, cancellationToken).ConfigureAwait(false);
        if (retried.StatusCode == HttpStatusCode.Unauthorized)
        {
            // Sent once, and no more: the client gets this 401. Not kept for the next request.
            _cache.Invalidate(key.Value, token);
            Log.TokenRejected(_logger, origin);
        }

        return retried;
    }

    private TokenCacheKey? GetTokenKey(IReadOnlyList<AuthenticationChallenge> challenges, string origin, string? derivedScope, string? identity)
    {
        var bearer = challenges.FirstOrDefault(c => c.IsBearer);
        if (bearer is null)
        {
            // Basic, another scheme, or none: anonymous tokens only come from a Bearer realm.
            Log.NoBearerChallenge(_logger, origin, challenges.Count == 0 ? "none" : string.Join(", ", challenges));
            return null;
        }

        if (!BearerRealm.TryCreate(bearer, out var realm))
        {
            Log.UnusableRealm(_logger, origin);
            return null;
        }

        return BearerChallenge.ToKey(bearer, realm, derivedScope, identity);
    }

    private async Task<TokenResponse> FetchTokenAsync(TokenCacheKey key, CancellationToken cancellationToken)
    {
        // docker's identitytoken is an OAuth 2.0 refresh token, good for the POST form only; otherwise the
        // GET, with Basic when there is a password (token spec: the client authenticates to the token server).
        using var tokenRequest = _credential?.IdentityToken is { } refreshToken
            ? TokenRequestBuilder.RefreshForm(key, refreshToken)
            : TokenRequestBuilder.Get(key, _credential is { HasPassword: true } ? _credential.BasicParameter() : null);

        var started = _cache.TimeProvider.GetTimestamp();
        var fetched = false;
        try
        {
            // Through the inner chain, so the upstream's TLS settings apply to its token server too.
            using var tokenResponse = await base.SendAsync(tokenRequest, cancellationToken).ConfigureAwait(false);
            if (!tokenResponse.IsSuccessStatusCode)
            {
                throw new HttpRequestException(
                    $"The token server answered {(int)tokenResponse.StatusCode}.", inner: null, tokenResponse.StatusCode);
            }

            var token = await TokenResponseReader.ReadAsync(tokenResponse.Content, _cache.Options.MaxTokenResponseBytes, cancellationToken)
                .ConfigureAwait(false);
            fetched = true;
            Log.TokenFetched(_logger, new Uri(key.Realm).Authority, key.Scope ?? "", token.ExpiresIn);
            return token;
        }
        finally
        {
            _telemetry?.TokenFetched(fetched, _cache.TimeProvider.GetElapsedTime(started));
        }
    }

    private static HttpRequestMessage CopyRequest(HttpRequestMessage request, AuthenticationHeaderValue authorization)
    {
        // A sent HttpRequestMessage may not be sent again; a GET or HEAD copies whole.
        var copy = new HttpRequestMessage(request.Method, request.RequestUri)
        {
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };

        foreach (var header in request.Headers.NonValidated)
        {
            if (!string.Equals(header.Key, "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        copy.Headers.Authorization = authorization;

        var options = (IDictionary<string, object?>)copy.Options;
        foreach (var option in request.Options)
        {
            options[option.Key] = option.Value;
        }

        return copy;
    }

    // Authorities, realms and config keys only: never a token, a password, or a query string.
    private static partial class Log
    {
        [LoggerMessage(EventIds.NoBearerChallenge, LogLevel.Warning, "Upstream {Upstream} answered 401 without a Bearer challenge (challenges: {Schemes}); passing its 401 on.", EventName = "NoBearerChallenge")]
        public static partial void NoBearerChallenge(ILogger logger, string upstream, string schemes);

        [LoggerMessage(EventIds.UnusableRealm, LogLevel.Warning, "Upstream {Upstream} answered 401 with a Bearer challenge whose realm is missing or not an absolute http(s) URI without userinfo; passing its 401 on.", EventName = "UnusableRealm")]
        public static partial void UnusableRealm(ILogger logger, string upstream);

        [LoggerMessage(EventIds.TokenFetchFailed, LogLevel.Warning, "Could not get an anonymous token from {TokenServer} for upstream {Upstream}; passing its 401 on.", EventName = "TokenFetchFailed")]
        public static partial void TokenFetchFailed(ILogger logger, string upstream, string tokenServer, Exception exception);

        [LoggerMessage(EventIds.TokenRejected, LogLevel.Warning, "Upstream {Upstream} rejected the token its own token server issued; passing its 401 on.", EventName = "TokenRejected")]
        public static partial void TokenRejected(ILogger logger, string upstream);

        [LoggerMessage(EventIds.TokenFetched, LogLevel.Debug, "Fetched a token from {TokenServer} for scope '{Scope}', expires_in {ExpiresIn}.", EventName = "TokenFetched")]
        public static partial void TokenFetched(ILogger logger, string tokenServer, string scope, int? expiresIn);

        [LoggerMessage(EventIds.SendingCachedToken, LogLevel.Debug, "Sending a cached token up front to upstream {Upstream}.", EventName = "SendingCachedToken")]
        public static partial void SendingCachedToken(ILogger logger, string upstream);

        // The message, not the exception: nothing in it can carry the credentials, and no stack trace is needed.
        [LoggerMessage(EventIds.CredentialedTokenFetchFailed, LogLevel.Warning, "Token server {TokenServer} refused a token for upstream {Upstream} with the credentials configured at {CredentialSource} ({Reason}); passing its 401 on.", EventName = "CredentialedTokenFetchFailed")]
        public static partial void CredentialedTokenFetchFailed(ILogger logger, string upstream, string tokenServer, string credentialSource, string reason);
    }
}
