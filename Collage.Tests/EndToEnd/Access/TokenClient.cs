using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Collage.Tests.EndToEnd.Access;

/// <summary>Collage's token endpoint spoken by hand, as the distribution token spec and docker describe it.</summary>
internal static class TokenClient
{
    /// <summary>
    /// <c>GET /v2/token?service=SERVICE&amp;scope=...</c> with Basic <paramref name="credentials"/> (or none) and
    /// <paramref name="extraQuery"/> (e.g. <c>offline_token=true&amp;client_id=docker</c>); throws unless 200.
    /// </summary>
    public static async Task<TokenAnswer> GetAsync(HttpClient client, string service, string? credentials, IEnumerable<string> scopes, string extraQuery = "")
    {
        var query = new StringBuilder($"/v2/token?service={Uri.EscapeDataString(service)}");
        foreach (var scope in scopes)
        {
            query.Append("&scope=").Append(Uri.EscapeDataString(scope));
        }

        if (extraQuery.Length > 0)
        {
            query.Append('&').Append(extraQuery);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, query.ToString());
        if (credentials is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }

        return await SendAsync(client, request);
    }

    /// <summary><c>POST /v2/token</c> with the OAuth 2.0 form <paramref name="fields"/>; throws unless 200.</summary>
    public static async Task<TokenAnswer> PostAsync(HttpClient client, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/token") { Content = new FormUrlEncodedContent(fields) };
        return await SendAsync(client, request);
    }

    /// <summary>Sends <paramref name="request"/> with <c>Authorization: Bearer TOKEN</c> and returns the answer.</summary>
    public static async Task<HttpResponseMessage> SendWithBearerAsync(HttpClient client, HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    private static async Task<TokenAnswer> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {body}");
        }

        (response.Headers.CacheControl?.NoStore ?? false).Should().BeTrue("token answers must not be cached");
        return TokenAnswer.Parse(body);
    }
}
