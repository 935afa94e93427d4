using System.Net;
using Collage.Tests.Upstreams;

namespace Collage.Tests.Authentication;

/// <summary>
/// What the <see cref="Collage.Transforms.Authentication.UpstreamTokenHandler"/> tests share: an upstream that answers
/// with a bearer challenge until it is sent <see cref="Token"/>, and the token server that hands that token out.
/// </summary>
internal static class BearerUpstream
{
    public const string Upstream = "https://registry.example";
    public const string Realm = "https://auth.example/token";
    public const string Challenge = $"Bearer realm=\"{Realm}\",service=\"registry.example\",scope=\"repository:library/alpine:pull\"";
    public const string Token = "secret-token.abc";

    /// <summary>An upstream that wants <see cref="Token"/> and a token server that hands it out.</summary>
    public static ScriptedHandler Script(string challenge = Challenge, Func<HttpRequestMessage, HttpResponseMessage>? tokenServer = null) =>
        new(request =>
        {
            if (request.RequestUri!.Host == "auth.example")
            {
                return tokenServer?.Invoke(request) ?? ScriptedHandler.Json($$"""{"token":"{{Token}}","expires_in":300}""");
            }

            return request.Headers.Authorization?.ToString() == $"Bearer {Token}"
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("manifest") }
                : ScriptedHandler.Unauthorized(challenge);
        });

    // Marked as the gateway marks what it forwards, so the handler knows the scope each request needs.
    public static HttpRequestMessage Get(string path = "/v2/library/alpine/manifests/latest") => UpstreamCalls.Marked(HttpMethod.Get, Upstream + path);

    public static IEnumerable<SentRequest> TokenRequests(ScriptedHandler inner) => inner.Sent.Where(r => r.Uri.Host == "auth.example");
}
