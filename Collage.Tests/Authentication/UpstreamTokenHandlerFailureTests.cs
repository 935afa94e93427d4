using System.Net;
using Collage.Tests.Common;
using Collage.Transforms.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static Collage.Tests.Authentication.BearerUpstream;

namespace Collage.Tests.Authentication;

/// <summary>
/// The token dance when a step fails: no bearer challenge, a realm that cannot be used, a token server that fails
/// (and its back-off), and a token the upstream rejects.
/// </summary>
public sealed class UpstreamTokenHandlerFailureTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLogger<UpstreamTokenHandler> _logger = new();
    private readonly TokenCache _cache;

    public UpstreamTokenHandlerFailureTests()
    {
        _cache = new TokenCache(_time);
    }

    private HttpMessageInvoker CreateInvoker(ScriptedHandler inner) =>
        new(new UpstreamTokenHandler(_cache, _logger) { InnerHandler = inner });

    /// <summary>An upstream that wants <see cref="Token"/> and a token server that hands it out (<see cref="BearerUpstream.Script"/>).</summary>
    private static ScriptedHandler Registry(string challenge = Challenge, Func<HttpRequestMessage, HttpResponseMessage>? tokenServer = null) =>
        BearerUpstream.Script(challenge, tokenServer);

    [Theory]
    [InlineData("Basic realm=\"registry\"")]
    [InlineData("Negotiate")]
    [InlineData("")]
    public async Task Send_NoBearerChallenge_ReturnsUpstream401AndWarns(string challenge)
    {
        var inner = Registry(challenge);
        using var invoker = CreateInvoker(inner);

        using var response = await invoker.SendAsync(Get(), default);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).Should().Be("{\"errors\":[]}");
        inner.Sent.Should().ContainSingle();
        _logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning && e.Text.Contains("https://registry.example"));
    }

    [Theory]
    [InlineData("Bearer service=\"registry.example\"")]
    [InlineData("Bearer realm=\"/token\"")]
    [InlineData("Bearer realm=\"ftp://auth.example/token\"")]
    [InlineData("Bearer realm=\"file:///etc/passwd\"")]
    [InlineData("Bearer realm=\"https://user:pass@auth.example/token\"")]
    [InlineData("Bearer realm=\"not a uri\"")]
    public async Task Send_UnusableRealm_ReturnsUpstream401WithoutFetching(string challenge)
    {
        var inner = Registry(challenge);
        using var invoker = CreateInvoker(inner);

        using var response = await invoker.SendAsync(Get(), default);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().Be(challenge);
        inner.Sent.Should().ContainSingle();
        _logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning && !e.Text.Contains("pass@"));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "{\"token\":\"a\"}")]
    [InlineData(HttpStatusCode.OK, "<html>not json</html>")]
    [InlineData(HttpStatusCode.OK, "{\"token\":\"\"}")]
    public async Task Send_TokenServerFails_ReturnsUpstream401AndFetchesOnce(HttpStatusCode status, string body)
    {
        var inner = Registry(tokenServer: _ => ScriptedHandler.Json(body, status));
        using var invoker = CreateInvoker(inner);

        using var response = await invoker.SendAsync(Get(), default);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Should().ContainSingle().Which.Scheme.Should().Be("Bearer");
        TokenRequests(inner).Should().ContainSingle();
        _logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning && e.Text.Contains("auth.example") && e.Text.Contains("https://registry.example"));
    }

    [Fact]
    public async Task Send_TokenServerFails_NextRequestAfterTheBackoffTriesAgain()
    {
        var fail = true;
        var inner = Registry(tokenServer: _ => fail ? ScriptedHandler.Json("oops", HttpStatusCode.BadGateway) : ScriptedHandler.Json($$"""{"token":"{{Token}}"}"""));
        using var invoker = CreateInvoker(inner);

        (await invoker.SendAsync(Get(), default)).Dispose();
        fail = false;
        using (var withinBackoff = await invoker.SendAsync(Get(), default))
        {
            withinBackoff.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the failure stands for the back-off");
            TokenRequests(inner).Should().ContainSingle();
        }

        _time.Advance(new UpstreamAuthenticationOptions().FailedFetchBackoff);
        using var response = await invoker.SendAsync(Get(), default);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        TokenRequests(inner).Should().HaveCount(2);
    }

    [Fact]
    public async Task Send_UpstreamRejectsFreshToken_Returns401WithoutSecondFetch()
    {
        var inner = new ScriptedHandler(request => request.RequestUri!.Host == "auth.example"
            ? ScriptedHandler.Json($$"""{"token":"{{Token}}"}""")
            : ScriptedHandler.Unauthorized(Challenge));
        using var invoker = CreateInvoker(inner);

        using var response = await invoker.SendAsync(Get(), default);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        inner.Sent.Should().HaveCount(3);
        _cache.TryGetToken(new TokenCacheKey(Realm, "registry.example", "repository:library/alpine:pull"), out _).Should().BeFalse();
    }

    [Fact]
    public async Task Send_CachedTokenRejected_FetchesANewOneOnce()
    {
        var tokens = 0;
        var inner = new ScriptedHandler(request =>
        {
            if (request.RequestUri!.Host == "auth.example")
            {
                return ScriptedHandler.Json($$"""{"token":"t{{++tokens}}","expires_in":300}""");
            }

            // The upstream only ever accepts the newest token, as if the older one were revoked.
            return request.Headers.Authorization?.Parameter == $"t{tokens}" && tokens > 0
                ? new HttpResponseMessage(HttpStatusCode.OK)
                : ScriptedHandler.Unauthorized(Challenge);
        });
        using var invoker = CreateInvoker(inner);
        (await invoker.SendAsync(Get(), default)).Dispose();
        tokens++; // revoke t1

        using var response = await invoker.SendAsync(Get(), default);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        inner.Sent.Skip(3).Select(r => r.Authorization).Should().Equal("Bearer t1", null, "Bearer t3");
    }
}
