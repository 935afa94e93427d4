using System.Net.Http.Headers;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>Requests as registry clients send them to Collage's token endpoint and with the tokens it issued.</summary>
internal static class TokenClient
{
    /// <summary>GET <c>/v2/token</c> for <paramref name="scopes"/>, with Basic <paramref name="credentials"/> when given.</summary>
    public static async Task<TokenAnswer> GetTokenAsync(this HttpClient client, string? credentials, string[] scopes, string? host = null, bool offline = false, Action<HttpRequestMessage>? change = null)
    {
        var query = string.Join('&', scopes.Select(s => "scope=" + Uri.EscapeDataString(s)).Prepend("service=collage").Append(offline ? "offline_token=true" : "client_id=tests"));
        using var request = AccessClient.Request("/v2/token?" + query, credentials, host: host);
        change?.Invoke(request);
        return await AnswerAsync(client, request);
    }

    /// <summary>POST <c>/v2/token</c> with the OAuth 2.0 form <paramref name="fields"/> (containerd's way).</summary>
    public static async Task<TokenAnswer> PostTokenAsync(this HttpClient client, IEnumerable<KeyValuePair<string, string>> fields, string? host = null, Action<HttpRequestMessage>? change = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/token") { Content = new FormUrlEncodedContent(fields) };
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        change?.Invoke(request);
        return await AnswerAsync(client, request);
    }

    /// <summary>The form of a password grant for <paramref name="credentials"/> (<c>user:password</c>).</summary>
    public static Dictionary<string, string> PasswordGrant(string credentials, bool offline, params string[] scopes)
    {
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = credentials[..colon],
            ["password"] = credentials[(colon + 1)..],
            ["client_id"] = "containerd-client",
            ["scope"] = string.Join(' ', scopes),
        };
        if (offline)
        {
            form["access_type"] = "offline";
        }

        return form;
    }

    /// <summary>The form of a refresh grant.</summary>
    public static Dictionary<string, string> RefreshGrant(string refreshToken, params string[] scopes) => new()
    {
        ["grant_type"] = "refresh_token",
        ["refresh_token"] = refreshToken,
        ["client_id"] = "containerd-client",
        ["scope"] = string.Join(' ', scopes),
    };

    /// <summary>A request bearing <paramref name="token"/>.</summary>
    public static HttpRequestMessage Bearer(string path, string token, HttpMethod? method = null, string? host = null)
    {
        var request = AccessClient.Request(path, null, method, host);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>Sends a request bearing <paramref name="token"/> and returns the response (the caller disposes it).</summary>
    public static Task<HttpResponseMessage> WithTokenAsync(this HttpClient client, string path, string token, HttpMethod? method = null, string? host = null) =>
        client.SendAsync(Bearer(path, token, method, host));

    /// <summary>The scope that <c>repository:NAME:pull</c> names.</summary>
    public static string Pull(string repository) => $"repository:{repository}:pull";

    private static async Task<TokenAnswer> AnswerAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        return new TokenAnswer(
            response.StatusCode,
            await response.Content.ReadAsStringAsync(),
            response.Headers.CacheControl?.ToString(),
            response.Headers.WwwAuthenticate.ToString() is { Length: > 0 } challenge ? challenge : null,
            response.Headers.RetryAfter?.ToString());
    }
}
