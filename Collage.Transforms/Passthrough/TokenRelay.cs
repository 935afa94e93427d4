using System.Net;
using System.Text.Json;
using Collage.Transforms.Authentication;
using Collage.Transforms.Credentials;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Mounts;
using Collage.Transforms.Registry;
using Collage.Transforms.Upstreams;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Passthrough;

/// <summary>
/// The work of Collage's token endpoint: maps the local scopes a client asks for to their pass-through upstream
/// and its scopes, relays the client's credentials to the realm that upstream named in its own challenge (learned
/// from the upstream, never from the request), and hands back the realm's token unchanged. Tokens are cached per
/// (realm, service, scope, keyed hash of the client's credentials) and remembered as issued for their upstream.
/// </summary>
internal sealed partial class TokenRelay(
    UpstreamClientFactory clients,
    TokenCache cache,
    IssuedTokens issued,
    ILogger<TokenRelay> logger)
{
    /// <summary>
    /// Relays a token request whose local <paramref name="scopes"/> are resolved in <paramref name="map"/> of
    /// <paramref name="table"/>, both as the front door chose them for this request.
    /// </summary>
    public async Task<TokenRelayResult> RelayAsync(MountTable table, MountMap map, IReadOnlyList<string> scopes, ClientGrant grant, CancellationToken cancellationToken)
    {
        var byUpstream = UpstreamScopes.Map(table, map, scopes);
        if (byUpstream.Count == 0)
        {
            if (scopes.Any(s => s.StartsWith("repository:", StringComparison.Ordinal)))
            {
                return TokenRelayResult.Fail(Denied("none of the requested scopes names a repository of a pass-through upstream"));
            }

            // docker login asks for no scope: authenticate against the host's pass-through upstreams.
            foreach (var upstream in map.Mounts.Select(m => m.Upstream).Where(u => PassthroughChallenge.IsPassthrough(table, u)).Distinct())
            {
                byUpstream[upstream] = [];
            }

            if (byUpstream.Count == 0)
            {
                return TokenRelayResult.Fail(Denied("this host has no pass-through upstream to authenticate to"));
            }
        }

        var realms = new Dictionary<Upstream, BearerRealm>();
        foreach (var upstream in byUpstream.Keys)
        {
            var realm = await LearnRealmAsync(table, upstream, cancellationToken).ConfigureAwait(false);
            if (realm is null)
            {
                return TokenRelayResult.Fail(new OciError(StatusCodes.Status502BadGateway, "UNAVAILABLE", "the upstream registry did not name a token server"));
            }

            realms[upstream] = realm;
        }

        if (realms.Values.Distinct().Count() > 1)
        {
            // One token cannot serve two token servers; handing out one of them would fail half the pull.
            Log.ScopesSpanRealms(logger, string.Join(", ", byUpstream.Keys.Select(u => u.Authority)));
            return TokenRelayResult.Fail(Denied("the requested scopes span upstream registries with different token servers; request a token for each repository separately"));
        }

        var target = realms.Values.First();
        var upstreamScopes = byUpstream.Values.SelectMany(s => s).Distinct().ToList();
        var key = new TokenCacheKey(target.Realm, target.Service, upstreamScopes.Count == 0 ? null : string.Join(' ', upstreamScopes), grant.IsAnonymous ? null : UpstreamCredential.Compute(grant.Secret));
        var client = clients.GetClient(table, byUpstream.Keys.First());

        TokenResponse token;
        try
        {
            if (grant.Offline || grant.IsForm)
            {
                // A refresh token is the client's alone: never shared through the cache.
                token = await FetchAsync(client, key, grant, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var (cached, refreshAt) = await cache.GetTokenWithExpiryAsync(key, ct => FetchAsync(client, key, grant, ct), cancellationToken).ConfigureAwait(false);

                // What is left of its life by the cache's clock, so a client does not use it past expiry.
                var left = (int)Math.Max(1, (refreshAt - cache.TimeProvider.GetUtcNow()).TotalSeconds);
                token = new TokenResponse(cached, left);
            }
        }
        catch (HttpRequestException ex) when (ex.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            Log.RealmRefused(logger, new Uri(target.Realm).Authority, (int)ex.StatusCode!.Value);
            return TokenRelayResult.Fail(new OciError(StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "the upstream registry's token server refused the credentials"));
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidDataException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            Log.RealmFailed(logger, new Uri(target.Realm).Authority, ex.GetType().Name);
            return TokenRelayResult.Fail(new OciError(StatusCodes.Status502BadGateway, "UNAVAILABLE", "the upstream registry's token server failed"));
        }

        var lifetime = TimeSpan.FromSeconds(token.ExpiresIn is > 0 and var s ? s : 60);
        issued.Add(token.Token, byUpstream.Keys.Select(u => u.Id), lifetime);
        return new TokenRelayResult(Serialize(token), null);
    }

    /// <summary>
    /// The realm and service an upstream's Bearer challenge names; asks its <c>/v2/</c> once, anonymously,
    /// when no challenge has been seen yet. Null when the upstream does not challenge with Bearer.
    /// </summary>
    private async Task<BearerRealm?> LearnRealmAsync(MountTable table, Upstream upstream, CancellationToken cancellationToken)
    {
        var origin = upstream.BaseUri.GetLeftPart(UriPartial.Authority);
        if (cache.TryGetRealm(origin, out var known))
        {
            return known;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(cache.Options.TokenRequestTimeout);
        using var probe = UpstreamCall.Base.On(new HttpRequestMessage(HttpMethod.Get, new Uri(upstream.BaseUri, "v2/")));
        try
        {
            using var response = await clients.GetClient(table, upstream).SendAsync(probe, timeout.Token).ConfigureAwait(false);
            var bearer = AuthenticationChallengeParser.Parse(response.Headers).FirstOrDefault(c => c.IsBearer);
            if (bearer is null || !BearerRealm.TryCreate(bearer, out var learned))
            {
                Log.NoBearerRealm(logger, upstream.Authority, (int)response.StatusCode);
                return null;
            }

            cache.RememberRealm(origin, learned);
            return learned;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.NoBearerRealm(logger, upstream.Authority, 0);
            return null;
        }
    }

    private async Task<TokenResponse> FetchAsync(HttpMessageInvoker client, TokenCacheKey key, ClientGrant grant, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(key, grant);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(cache.Options.TokenRequestTimeout);

        // Through the upstream's own chain: its TLS trust applies, and the redirect follower drops the
        // client's credentials on any hop that leaves the realm's origin.
        using var response = await client.SendAsync(request, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The token server answered {(int)response.StatusCode}.", inner: null, response.StatusCode);
        }

        var token = await TokenResponseReader.ReadAsync(response.Content, cache.Options.MaxTokenResponseBytes, timeout.Token).ConfigureAwait(false);
        Log.TokenRelayed(logger, new Uri(key.Realm).Authority, key.Scope ?? string.Empty);
        return token;
    }

    // The grant goes on as the client made it: a refresh-token or password grant as the OAuth 2.0 POST form,
    // Basic or nothing as the token spec's GET.
    private static HttpRequestMessage CreateRequest(TokenCacheKey key, ClientGrant grant) =>
        grant.RefreshToken is { } refresh ? TokenRequestBuilder.RefreshForm(key, refresh, grant.ClientId, grant.Offline)
        : grant.Username is { } username ? TokenRequestBuilder.PasswordForm(key, username, grant.Password ?? string.Empty, grant.ClientId, grant.Offline)
        : TokenRequestBuilder.Get(key, grant.BasicParameter, grant.Offline, grant.ClientId);

    private static byte[] Serialize(TokenResponse token)
    {
        // The token itself is the realm's, unchanged; both field names, as the spec asks of token servers.
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("token", token.Token);
            json.WriteString("access_token", token.Token);
            if (token.ExpiresIn is { } expiresIn)
            {
                json.WriteNumber("expires_in", expiresIn);
            }

            if (token.IssuedAt is { } issuedAt)
            {
                json.WriteString("issued_at", issuedAt);
            }

            if (token.RefreshToken is { } refresh)
            {
                json.WriteString("refresh_token", refresh);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static OciError Denied(string message) => new(StatusCodes.Status400BadRequest, "DENIED", message);

    // Authorities and scopes only: never a credential or a token.
    private static partial class Log
    {
        [LoggerMessage(EventIds.RelayScopesSpanRealms, LogLevel.Information, "Refused a token request whose scopes span upstreams with different token servers ({Upstreams}).", EventName = "ScopesSpanRealms")]
        public static partial void ScopesSpanRealms(ILogger logger, string upstreams);

        [LoggerMessage(EventIds.RelayRealmRefused, LogLevel.Information, "Token server {TokenServer} refused the client's credentials ({Status}).", EventName = "RealmRefused")]
        public static partial void RealmRefused(ILogger logger, string tokenServer, int status);

        [LoggerMessage(EventIds.RelayRealmFailed, LogLevel.Warning, "Token server {TokenServer} failed ({Reason}).", EventName = "RealmFailed")]
        public static partial void RealmFailed(ILogger logger, string tokenServer, string reason);

        [LoggerMessage(EventIds.RelayNoBearerRealm, LogLevel.Warning, "Pass-through upstream {Upstream} named no usable Bearer realm (status {Status}).", EventName = "NoBearerRealm")]
        public static partial void NoBearerRealm(ILogger logger, string upstream, int status);

        [LoggerMessage(EventIds.TokenRelayed, LogLevel.Debug, "Relayed a token from {TokenServer} for scope '{Scope}'.", EventName = "TokenRelayed")]
        public static partial void TokenRelayed(ILogger logger, string tokenServer, string scope);
    }
}
