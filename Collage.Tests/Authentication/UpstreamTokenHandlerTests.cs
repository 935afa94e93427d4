using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Upstreams;
using Collage.Transforms.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;
using static Collage.Tests.Authentication.BearerUpstream;

namespace Collage.Tests.Authentication;

/// <summary>
/// The token dance when it works: the challenge answered with a token for the scope the request needs, the token
/// cached and sent up front, the retry a copy of the request, and what the handler leaves alone.
/// </summary>
public sealed class UpstreamTokenHandlerTests
{
    private readonly RecordingLogger<UpstreamTokenHandler> _logger = new();

    // A clock nothing here moves, so no cached token expires during a test.
    private readonly TokenCache _cache = new(new FakeTimeProvider());

    private HttpMessageInvoker CreateInvoker(ScriptedHandler inner) =>
        new(new UpstreamTokenHandler(_cache, _logger) { InnerHandler = inner });

    /// <summary>An upstream that wants <see cref="Token"/> and a token server that hands it out (<see cref="BearerUpstream.Script"/>).</summary>
    private static ScriptedHandler Registry(string challenge = Challenge, Func<HttpRequestMessage, HttpResponseMessage>? tokenServer = null) =>
        BearerUpstream.Script(challenge, tokenServer);

    [Fact]
    public async Task Send_BearerChallenge_FetchesTokenAndRetriesOnce()
    {
        var inner = Registry();
        using var invoker = CreateInvoker(inner);

        using var response = await invoker.SendAsync(Get(), default);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("manifest");
        inner.Sent.Select(r => r.Uri.Host).Should().Equal("registry.example", "auth.example", "registry.example");
        inner.Sent[2].Authorization.Should().Be($"Bearer {Token}");

        var query = QueryHelpers.ParseQuery(inner.Sent[1].Uri.Query);
        query["service"].ToString().Should().Be("registry.example");
        query["scope"].ToString().Should().Be("repository:library/alpine:pull");
    }

    [Fact]
    public async Task Send_SecondRequest_SendsCachedTokenUpFront()
    {
        var inner = Registry();
        using var invoker = CreateInvoker(inner);

        (await invoker.SendAsync(Get(), default)).Dispose();
        using var second = await invoker.SendAsync(Get("/v2/library/alpine/blobs/sha256:0123"), default);

        second.StatusCode.Should().Be(HttpStatusCode.OK);
        inner.Sent.Should().HaveCount(4);
        inner.Sent[3].Authorization.Should().Be($"Bearer {Token}");
        TokenRequests(inner).Should().ContainSingle();
    }

    [Fact]
    public async Task Send_OtherOriginSameHost_DoesNotGetTokenUpFront()
    {
        var inner = Registry();
        using var invoker = CreateInvoker(inner);

        (await invoker.SendAsync(Get(), default)).Dispose();
        (await invoker.SendAsync(UpstreamCalls.Marked(HttpMethod.Get, "http://registry.example/v2/library/alpine/manifests/latest"), default)).Dispose();

        inner.Sent[3].Uri.Scheme.Should().Be("http");
        inner.Sent[3].Authorization.Should().BeNull();
    }

    [Fact]
    public async Task Send_ChallengeWithoutScope_UsesTheScopeTheRequestWasMadeFor()
    {
        var inner = Registry($"Bearer realm=\"{Realm}\",service=\"registry.example\"");
        using var invoker = CreateInvoker(inner);

        (await invoker.SendAsync(Get("/v2/_catalog"), default)).Dispose();

        QueryHelpers.ParseQuery(TokenRequests(inner).Single().Uri.Query)["scope"].ToString().Should().Be("registry:catalog:*");
    }

    [Fact]
    public async Task Send_BaseEndpointWithoutScope_AsksForNoScope()
    {
        var inner = Registry($"Bearer realm=\"{Realm}\",service=\"registry.example\"");
        using var invoker = CreateInvoker(inner);

        using var response = await invoker.SendAsync(Get("/v2/"), default);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        QueryHelpers.ParseQuery(TokenRequests(inner).Single().Uri.Query).Should().NotContainKey("scope");
    }

    [Fact]
    public async Task Send_ChallengeWithSeveralScopes_SendsOneScopeParameterEach()
    {
        var inner = Registry($"Bearer realm=\"{Realm}\",scope=\"repository:a:pull  repository:b:pull,push\"");
        using var invoker = CreateInvoker(inner);

        (await invoker.SendAsync(Get(), default)).Dispose();

        var query = QueryHelpers.ParseQuery(TokenRequests(inner).Single().Uri.Query);
        query["scope"].ToArray().Should().Equal("repository:a:pull", "repository:b:pull,push");
        query.Should().NotContainKey("service");
    }

    [Fact]
    public async Task Send_TokenRequest_CarriesNoClientHeaders()
    {
        var inner = Registry();
        using var invoker = CreateInvoker(inner);
        var request = Get();
        request.Headers.TryAddWithoutValidation("Cookie", "session=1");
        request.Headers.TryAddWithoutValidation("X-Registry-Auth", "client-secret");
        request.Headers.UserAgent.ParseAdd("docker/27");

        (await invoker.SendAsync(request, default)).Dispose();

        TokenRequests(inner).Single().Headers.Keys.Should().Equal("Accept");
    }

    [Fact]
    public async Task Send_Retry_CopiesMethodHeadersVersionAndOptions()
    {
        var inner = Registry();
        using var invoker = CreateInvoker(inner);
        var key = new HttpRequestOptionsKey<string>("collage.route");
        var request = new HttpRequestMessage(HttpMethod.Head, Upstream + "/v2/library/alpine/manifests/latest")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.index.v1+json");
        request.Headers.TryAddWithoutValidation("X-Odd", "not \"valid\" ,, header");
        request.Options.Set(key, "hub");

        (await invoker.SendAsync(request, default)).Dispose();

        var retry = inner.Sent[2];
        retry.Method.Should().Be(HttpMethod.Head);
        retry.Uri.Should().Be(request.RequestUri);
        retry.Version.Should().Be(HttpVersion.Version20);
        retry.VersionPolicy.Should().Be(HttpVersionPolicy.RequestVersionOrLower);
        retry.Headers["Accept"].Should().Be("application/vnd.oci.image.index.v1+json");
        retry.Headers["X-Odd"].Should().Be("not \"valid\" ,, header");
        retry.Options.Should().Contain("collage.route", "hub");
        retry.Authorization.Should().Be($"Bearer {Token}");
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Send_NotGetOrHead_PassesThrough(string method)
    {
        var inner = Registry();
        using var invoker = CreateInvoker(inner);

        using var response = await invoker.SendAsync(new HttpRequestMessage(new HttpMethod(method), Upstream + "/v2/a/manifests/x"), default);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        inner.Sent.Should().ContainSingle();
    }

    [Fact]
    public async Task Send_RequestWithOwnAuthorization_PassesThrough()
    {
        var inner = Registry();
        using var invoker = CreateInvoker(inner);
        var request = Get();
        request.Headers.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz");

        using var response = await invoker.SendAsync(request, default);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        inner.Sent.Should().ContainSingle().Which.Authorization.Should().Be("Basic dXNlcjpwYXNz");
    }

    [Fact]
    public async Task Send_BasicOnlyUpstream_AnswersWithCredentialsThenSendsThemUpFrontUntilRejected()
    {
        const string basic = "Basic dXNlcjpwQHNz";
        var accept = true;
        var inner = new ScriptedHandler(request => accept && request.Headers.Authorization?.ToString() == basic
            ? new HttpResponseMessage(HttpStatusCode.OK)
            : ScriptedHandler.Unauthorized("Basic realm=\"registry\""));
        var credential = new Collage.Transforms.Credentials.UpstreamCredential("user", "p@ss", null, "upstreams:registry.example");
        using var invoker = new HttpMessageInvoker(new UpstreamTokenHandler(_cache, _logger, credential) { InnerHandler = inner });

        using (var first = await invoker.SendAsync(Get(), default))
        {
            first.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using (var second = await invoker.SendAsync(Get(), default))
        {
            second.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        accept = false;
        using (var rejected = await invoker.SendAsync(Get(), default))
        {
            rejected.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        (await invoker.SendAsync(Get(), default)).Dispose();

        inner.Sent.Select(r => r.Authorization).Should().Equal(null, basic, basic, basic, null, basic);
        _logger.Entries.Where(e => e.EventId.Name == "CredentialsRejected").Should().HaveCount(2)
            .And.OnlyContain(e => !e.Text.Contains("p@ss") && !e.Text.Contains("dXNlcjpwQHNz"));
    }

    [Fact]
    public async Task Send_CallerCancels_Throws()
    {
        var inner = Registry(tokenServer: _ => throw new OperationCanceledException());
        using var invoker = CreateInvoker(inner);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var send = () => invoker.SendAsync(Get(), cts.Token);

        await send.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Send_Anything_NeverLogsTheToken()
    {
        var inner = Registry();
        using var invoker = CreateInvoker(inner);

        (await invoker.SendAsync(Get(), default)).Dispose();
        (await invoker.SendAsync(Get(), default)).Dispose();

        _logger.Entries.Should().NotBeEmpty();
        _logger.Entries.Should().NotContain(e => e.Text.Contains(Token));
    }
}
