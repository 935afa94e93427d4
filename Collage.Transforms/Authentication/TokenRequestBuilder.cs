using System.Net.Http.Headers;
using Microsoft.AspNetCore.WebUtilities;

namespace Collage.Transforms.Authentication;

/// <summary>
/// The requests Collage sends a token server (the realm of a Bearer challenge), with its own upstream
/// credentials and with a client's relayed ones alike: the token spec's GET
/// (https://distribution.github.io/distribution/spec/auth/token/) and the OAuth 2.0 token spec's POST form
/// (https://distribution.github.io/distribution/spec/auth/oauth/). Each is a fresh request that asks for JSON
/// and carries nothing of the client's request that caused it.
/// </summary>
internal static class TokenRequestBuilder
{
    /// <summary>The OAuth 2.0 client_id Collage names itself with when no client gave one (the OAuth token spec requires one).</summary>
    public const string ClientId = "collage";

    /// <summary>
    /// Token spec, "Requesting a Token": <c>GET realm?service=S&amp;scope=X&amp;scope=Y</c>, one scope parameter per
    /// scope, with Basic credentials (RFC 7617) when <paramref name="basicParameter"/> is given.
    /// <paramref name="offline"/> also asks for a refresh token (<c>offline_token=true</c> and a <c>client_id</c>).
    /// </summary>
    public static HttpRequestMessage Get(TokenCacheKey key, string? basicParameter = null, bool offline = false, string? clientId = null)
    {
        var query = new List<KeyValuePair<string, string?>>();
        if (key.Service is not null)
        {
            query.Add(new("service", key.Service));
        }

        foreach (var scope in key.Scope is null ? [] : RegistryScope.Split(key.Scope))
        {
            query.Add(new("scope", scope));
        }

        if (offline)
        {
            query.Add(new("offline_token", "true"));
            query.Add(new("client_id", clientId ?? ClientId));
        }

        var request = new HttpRequestMessage(HttpMethod.Get, QueryHelpers.AddQueryString(key.Realm, query));
        if (basicParameter is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basicParameter);
        }

        return AcceptJson(request);
    }

    /// <summary>OAuth 2.0 token spec, "Refresh token format": <c>grant_type=refresh_token</c> (RFC 6749 section 6).</summary>
    public static HttpRequestMessage RefreshForm(TokenCacheKey key, string refreshToken, string? clientId = null, bool offline = false) =>
        Form(key, [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)], clientId, offline);

    /// <summary>OAuth 2.0 token spec, "Password format": <c>grant_type=password</c> (RFC 6749 section 4.3).</summary>
    public static HttpRequestMessage PasswordForm(TokenCacheKey key, string username, string password, string? clientId = null, bool offline = false) =>
        Form(key, [new("grant_type", "password"), new("username", username), new("password", password)], clientId, offline);

    private static HttpRequestMessage Form(TokenCacheKey key, List<KeyValuePair<string, string>> form, string? clientId, bool offline)
    {
        form.Add(new("client_id", clientId ?? ClientId));
        if (offline)
        {
            // The form's way of asking for a refresh token as well.
            form.Add(new("access_type", "offline"));
        }

        if (key.Service is not null)
        {
            form.Add(new("service", key.Service));
        }

        if (key.Scope is not null)
        {
            // Space-separated here, as OAuth 2.0 has it (RFC 6749 section 3.3), unlike the GET.
            form.Add(new("scope", key.Scope));
        }

        return AcceptJson(new HttpRequestMessage(HttpMethod.Post, key.Realm) { Content = new FormUrlEncodedContent(form) });
    }

    private static HttpRequestMessage AcceptJson(HttpRequestMessage request)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }
}
