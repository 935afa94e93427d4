using System.Net;
using Collage.Tests.Authentication;
using Collage.Tests.Common;
using Collage.Tests.Upstreams;
using Collage.Transforms.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Functional.Authentication;

/// <summary>
/// The token dance over real sockets: a fake registry on one loopback port, its token server on
/// another, and the handler chain as YARP will build it.
/// </summary>
public sealed class UpstreamTokenHandlerFunctionalTests : IAsyncLifetime
{
    private const string ManifestPath = "/v2/library/alpine/manifests/latest";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly RecordingLogger<UpstreamTokenHandler> _logger = new();
    private FakeTokenServer _tokenServer = null!;
    private FakeRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        _tokenServer = await FakeTokenServer.StartAsync();
        _registry = await FakeRegistry.StartAsync(_tokenServer);
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await _tokenServer.DisposeAsync();
    }

    private HttpMessageInvoker CreateInvoker(TokenCache? cache = null) =>
        new(new UpstreamTokenHandler(cache ?? new TokenCache(_time), _logger) { InnerHandler = new SocketsHttpHandler() });

    // Marked as the gateway marks what it forwards, so the handler knows the scope each request needs.
    private HttpRequestMessage Get(string path = ManifestPath) => UpstreamCalls.Marked(HttpMethod.Get, new Uri(_registry.BaseUri, path).ToString());

    [Fact]
    public async Task Send_FirstRequest_DoesTheDance()
    {
        using var invoker = CreateInvoker();

        using var response = await invoker.SendAsync(Get(), default);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("{\"manifest\":true}");
        _registry.Unauthorized.Should().Be(1);
        _tokenServer.Fetches.Should().Be(1);

        var tokenRequest = _tokenServer.Requests.Single();
        tokenRequest.Path.Should().Be("/token");
        tokenRequest.Query["service"].ToString().Should().Be("fake-registry");
        tokenRequest.Query["scope"].ToString().Should().Be("repository:library/alpine:pull");
        tokenRequest.Headers.Should().NotContainKey("Authorization");
        _registry.Requests[^1].Headers["Authorization"].Should().Be("Bearer token-1");
    }

    [Fact]
    public async Task Send_SecondRequest_ReusesCachedTokenUpFront()
    {
        using var invoker = CreateInvoker();

        (await invoker.SendAsync(Get(), default)).Dispose();
        using var second = await invoker.SendAsync(Get("/v2/library/alpine/blobs/sha256:0123"), default);

        second.StatusCode.Should().Be(HttpStatusCode.OK);
        _tokenServer.Fetches.Should().Be(1);
        _registry.Unauthorized.Should().Be(1);
        _registry.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task Send_Head_DoesTheDance()
    {
        using var invoker = CreateInvoker();

        using var response = await invoker.SendAsync(UpstreamCalls.Marked(HttpMethod.Head, new Uri(_registry.BaseUri, ManifestPath).ToString()), default);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentLength.Should().Be(17);
        _registry.Requests.Select(r => r.Method).Should().Equal("HEAD", "HEAD");
    }

    [Fact]
    public async Task Send_ConcurrentRequests_FetchOneToken()
    {
        _tokenServer.Delay = TimeSpan.FromMilliseconds(200);
        using var invoker = CreateInvoker();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => invoker.SendAsync(Get(), default)));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        _tokenServer.Fetches.Should().Be(1);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Send_OddlyQuotedChallenge_PassesRealmQueryAndScopeThrough()
    {
        _registry.Challenge = () =>
            $"Basic realm=\"fake, really\", bearer scope=\"repository:a/b:pull,push\" ,SERVICE=fake.registry ,  realm=\"{_tokenServer.BaseUri}token?x=a,b\"";
        using var invoker = CreateInvoker();

        using var response = await invoker.SendAsync(Get("/v2/a/b/manifests/latest"), default);
        (await invoker.SendAsync(Get("/v2/a/b/manifests/latest"), default)).Dispose();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var query = _tokenServer.Requests.Single().Query;
        query["x"].ToString().Should().Be("a,b");
        query["service"].ToString().Should().Be("fake.registry");
        query["scope"].ToString().Should().Be("repository:a/b:pull,push");

        // The challenge's scope is not the one the path tells, so the token is not sent up front;
        // the second 401 is answered from the cache, without a second fetch.
        _tokenServer.Fetches.Should().Be(1);
    }

    [Fact]
    public async Task Send_ChallengeWithTwoScopes_SendsBothToTokenServer()
    {
        _registry.Challenge = () => _registry.DefaultChallenge("repository:library/alpine:pull repository:library/base:pull");
        using var invoker = CreateInvoker();

        using var response = await invoker.SendAsync(Get(), default);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _tokenServer.Requests.Single().Query["scope"].ToArray().Should().Equal("repository:library/alpine:pull", "repository:library/base:pull");
    }

    [Fact]
    public async Task Send_TokenServerDown_Returns401Cleanly()
    {
        var down = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        var downUri = down.BaseUri;
        await down.DisposeAsync();
        _registry.Challenge = () => $"Bearer realm=\"{downUri}token\",service=\"fake-registry\"";
        using var invoker = CreateInvoker();

        using var response = await invoker.SendAsync(Get(), default);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Single().Parameter.Should().Contain(downUri.Authority);
        (await response.Content.ReadAsStringAsync()).Should().Contain("UNAUTHORIZED");
        _registry.Requests.Should().ContainSingle();
        _logger.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Text.Contains(_registry.BaseUri.Authority) && e.Text.Contains(downUri.Authority));
    }

    [Theory]
    [InlineData("text/html", "<html>Bad gateway</html>", 200)]
    [InlineData("application/json", "{\"token\":", 200)]
    [InlineData("application/json", "{\"details\":\"denied\"}", 200)]
    [InlineData("application/json", "{\"token\":\"t\"}", 503)]
    public async Task Send_TokenServerGarbage_Returns401(string contentType, string body, int status)
    {
        _tokenServer.Respond = (context, _) =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            return context.Response.WriteAsync(body);
        };
        using var invoker = CreateInvoker();

        using var response = await invoker.SendAsync(Get(), default);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        _tokenServer.Fetches.Should().Be(1);
        _registry.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Send_TokenServerHugeBody_Returns401()
    {
        _tokenServer.Respond = async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"token\":\"" + new string('a', 100_000));
        };
        using var invoker = CreateInvoker();

        using var response = await invoker.SendAsync(Get(), default);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Send_TokenServerTooSlow_Returns401()
    {
        _tokenServer.Delay = TimeSpan.FromSeconds(30);
        using var invoker = CreateInvoker(new TokenCache(TimeProvider.System, new UpstreamAuthenticationOptions { TokenRequestTimeout = TimeSpan.FromMilliseconds(300) }));

        var started = TimeProvider.System.GetTimestamp();
        using var response = await invoker.SendAsync(Get(), default);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        TimeProvider.System.GetElapsedTime(started).Should().BeLessThan(TimeSpan.FromSeconds(10));
        _logger.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Text.Contains("TimeoutException"));
    }

    [Fact]
    public async Task Send_ExpiredToken_IsFetchedAgain()
    {
        using var invoker = CreateInvoker();
        (await invoker.SendAsync(Get(), default)).Dispose();

        _time.Advance(TimeSpan.FromSeconds(300));
        using var response = await invoker.SendAsync(Get(), default);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _tokenServer.Fetches.Should().Be(2);
        _registry.Unauthorized.Should().Be(2);
        _registry.Requests[^1].Headers["Authorization"].Should().Be("Bearer token-2");
    }

    [Fact]
    public async Task Send_BasicChallenge_Returns401Unchanged()
    {
        _registry.Challenge = () => "Basic realm=\"fake registry\"";
        using var invoker = CreateInvoker();

        using var response = await invoker.SendAsync(Get(), default);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().Be("Basic realm=\"fake registry\"");
        _tokenServer.Fetches.Should().Be(0);
        _logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning && e.Text.Contains(_registry.BaseUri.Authority));
    }

    [Fact]
    public async Task Send_ClientHeaders_NeverReachTheTokenServer()
    {
        using var invoker = CreateInvoker();
        var request = Get();
        request.Headers.TryAddWithoutValidation("Cookie", "session=secret");
        request.Headers.TryAddWithoutValidation("X-Client", "yes");

        (await invoker.SendAsync(request, default)).Dispose();

        var headers = _tokenServer.Requests.Single().Headers;
        headers.Should().NotContainKey("Cookie").And.NotContainKey("X-Client").And.NotContainKey("Authorization");
        _registry.Requests[^1].Headers["X-Client"].Should().Be("yes");
    }

    [Fact]
    public async Task Send_WholeDance_NeverLogsTokens()
    {
        using var invoker = CreateInvoker();

        (await invoker.SendAsync(Get(), default)).Dispose();
        (await invoker.SendAsync(Get(), default)).Dispose();

        _logger.Entries.Should().NotContain(e => e.Text.Contains("token-1"));
    }
}
