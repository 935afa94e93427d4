using System.Globalization;
using System.Text;
using System.Text.Json;
using Collage.Transforms.Passthrough;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Access.Tokens;

/// <summary>
/// The work of Collage's token endpoint under access control (distribution's token spec, and its OAuth 2.0 form for
/// containerd): checks the client's login (Basic on a GET, a password or refresh-token grant on a POST, nothing for
/// an anonymous token), grants the requested scopes the policy allows and no others, and signs a token for them.
/// Clients that ask for it (docker login's <c>offline_token=true</c>, containerd's <c>access_type=offline</c>) also get
/// a refresh token, which buys new tokens for its user without the password.
/// </summary>
internal sealed class TokenIssuer(ClientLogin login, AccessTokens tokens, TokenRelay relay, RelayedTokens relayed, TimeProvider time)
{
    /// <summary>The challenge of a refused login at the token endpoint: Basic, as distribution's token server asks.</summary>
    public const string LoginChallenge = "Basic realm=\"Collage\", charset=\"UTF-8\"";

    /// <summary>Issues a token for <paramref name="scopes"/> to whoever <paramref name="grant"/> names.</summary>
    public async Task<TokenRelayResult> IssueAsync(HttpContext context, RegistryRequestFeature feature, AccessPolicy policy, IReadOnlyList<string> scopes, ClientGrant grant)
    {
        var options = policy.Options;
        var service = feature.Table.PublicUrl.Service(context);
        var map = feature.Map.Name;
        var (outcome, identity) = grant switch
        {
            { RefreshToken: { } refresh } => await RefreshAsync(refresh, service, map, policy).ConfigureAwait(false),
            { Username: { } user } => await login.CheckAsync(feature.Table.PublicUrl.ClientAddress(context), user, grant.Password ?? string.Empty, policy).ConfigureAwait(false),
            { BasicParameter: { } basic } when ClientLogin.TryDecodeBasic(basic, out var user, out var password) => await login.CheckAsync(feature.Table.PublicUrl.ClientAddress(context), user, password, policy).ConfigureAwait(false),
            { BasicParameter: not null } => (LoginOutcome.Refused, AccessIdentity.Anonymous),
            _ => (LoginOutcome.Anonymous, AccessIdentity.Anonymous),
        };

        switch (outcome)
        {
            case LoginOutcome.Throttled:
                return TokenRelayResult.Fail(new OciError(StatusCodes.Status429TooManyRequests, "TOOMANYREQUESTS", "too many failed logins; retry later")) with
                {
                    RetryAfterSeconds = ClientLogin.RetryAfterSeconds(policy),
                };
            case LoginOutcome.Refused:
                return TokenRelayResult.Fail(new OciError(StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "the user name, password or token is not valid")) with
                {
                    Challenge = LoginChallenge,
                };
        }

        // The access log names who logged in: with the token flow this is where the password is checked.
        feature.Identity = identity;
        var requested = TokenScopes.Parse(scopes);
        var pull = requested.Pull.Where(name => policy.Grants(identity, map, name).HasFlag(AccessAction.Pull)).ToHashSet(StringComparer.Ordinal);
        var catalog = requested.Catalog && policy.HoldsAnywhere(identity, map, AccessAction.Catalog);
        var now = time.GetUtcNow();
        var expires = Earliest(now + options.TokenLifetime, identity.Until);

        // Pass-through repositories the policy granted: the same credentials go on to their upstream's token server
        // (never a Collage refresh token: a refresh grant relays as anonymous).
        var passthrough = pull.Where(name => feature.Map.Resolve(name) is { } r && PassthroughChallenge.IsPassthrough(feature.Table, r.Mount.Upstream)).ToList();
        Relayed? upstream = null;
        if (passthrough.Count > 0)
        {
            var relayGrant = grant.RefreshToken is null ? grant : ClientGrant.Anonymous;
            var result = await relay.RelayAsync(feature.Table, feature.Map, [.. passthrough.Select(n => $"repository:{n}:pull")], relayGrant, context.RequestAborted).ConfigureAwait(false);
            if (result.Error is { } error)
            {
                return result with { Challenge = error.StatusCode == StatusCodes.Status401Unauthorized ? LoginChallenge : null };
            }

            upstream = Relayed.Read(result.Body!, now);
            expires = Earliest(expires, upstream.Until);
        }

        var access = tokens.Mint(new AccessToken(identity, map, pull, catalog, expires, IsRefresh: false), service, options);
        if (upstream is not null)
        {
            var ids = passthrough.Select(n => feature.Map.Resolve(n)!.Value.Mount.Upstream.Id).Distinct();
            relayed.Add(access, ids, upstream.Token, expires);
        }

        // A refresh token only for a user who asked with a password (a refresh grant keeps the one it has).
        string? refreshToken = null;
        if (!identity.IsAnonymous && grant.Offline && grant.RefreshToken is null)
        {
            var until = Earliest(now + options.RefreshTokenLifetime, identity.Until);
            refreshToken = tokens.Mint(new AccessToken(identity, map, new HashSet<string>(), false, until, IsRefresh: true), service, options);
        }

        return new TokenRelayResult(Serialize(access, (int)Math.Max(1, (expires - now).TotalSeconds), now, refreshToken), null);
    }

    // A refresh token holds while it is valid, for its vhost, and its user is still in the htpasswd file (an OIDC
    // login's refresh token expired with that login's token already).
    private async ValueTask<(LoginOutcome, AccessIdentity)> RefreshAsync(string refresh, string service, string map, AccessPolicy policy)
    {
        var token = await tokens.CheckAsync(refresh, service, policy.Options).ConfigureAwait(false);
        if (token is not { IsRefresh: true, Identity.User: { } user } || token.Map != map)
        {
            return (LoginOutcome.Refused, AccessIdentity.Anonymous);
        }

        if (token.Identity.FromOidc)
        {
            return (LoginOutcome.User, token.Identity with { Until = token.ExpiresAt });
        }

        return login.StillListed(user, policy) ? (LoginOutcome.User, policy.IdentityOf(user)) : (LoginOutcome.Refused, AccessIdentity.Anonymous);
    }

    // The token and lifetime in an upstream token server's answer (the relay checked it is one).
    private sealed record Relayed(string Token, DateTimeOffset Until)
    {
        public static Relayed Read(byte[] body, DateTimeOffset now)
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var token = (root.TryGetProperty("token", out var t) ? t : root.GetProperty("access_token")).GetString()!;
            var seconds = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var s) && s > 0 ? s : 60;
            return new Relayed(token, now + TimeSpan.FromSeconds(seconds));
        }
    }

    private static DateTimeOffset Earliest(DateTimeOffset a, DateTimeOffset? b) => b is { } limit && limit < a ? limit : a;

    // Both field names, as the token spec asks of token servers; issued_at in RFC 3339.
    private static byte[] Serialize(string token, int expiresIn, DateTimeOffset issuedAt, string? refreshToken)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("token", token);
            json.WriteString("access_token", token);
            json.WriteNumber("expires_in", expiresIn);
            json.WriteString("issued_at", issuedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            if (refreshToken is not null)
            {
                json.WriteString("refresh_token", refreshToken);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
