using System.Net;
using Collage.Tests.Common;
using Collage.Transforms.Authentication;
using Collage.Transforms.Configuration;
using Collage.Transforms.Credentials;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Mounts;
using Collage.Transforms.RateLimits;
using Collage.Transforms.Redirects;
using Collage.Transforms.Upstreams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Upstreams;

public sealed class UpstreamHandlerChainTests : IDisposable
{
    private static readonly Upstream Registry = new("https://registry.test", new Uri("https://registry.test/"), "registry.test", false);

    private readonly FakeTimeProvider _time = new();
    private readonly List<IDisposable> _disposables = [];

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
    }

    [Fact]
    public void Build_GatewayUpstream_IsRateLimitThenLatencyThenTokenThenRedirectsThenSockets()
    {
        var chain = Chain();

        var handler = Track(chain.Build(Registry, new UpstreamOptions(), new SocketsHttpHandler()));

        Layers(handler).Should().Equal(
            typeof(RateLimitHandler), typeof(UpstreamLatencyHandler), typeof(UpstreamTokenHandler), typeof(RedirectFollowingHandler), typeof(SocketsHttpHandler));
    }

    [Fact]
    public void Build_PassthroughUpstream_HasNoTokenHandler()
    {
        var chain = Chain();

        var handler = Track(chain.Build(Registry, new UpstreamOptions { Auth = UpstreamAuthMode.Passthrough }, new SocketsHttpHandler()));

        Layers(handler).Should().Equal(typeof(RateLimitHandler), typeof(UpstreamLatencyHandler), typeof(RedirectFollowingHandler), typeof(SocketsHttpHandler));
    }

    [Fact]
    public void Build_Twice_SharesNoLayer()
    {
        // A DelegatingHandler has one inner handler: every client needs layers of its own.
        var chain = Chain();

        var first = Track(chain.Build(Registry, new UpstreamOptions(), new SocketsHttpHandler()));
        var second = Track(chain.Build(Registry, new UpstreamOptions(), new SocketsHttpHandler()));

        Handlers(first).Should().NotIntersectWith(Handlers(second));
    }

    [Fact]
    public async Task Send_TokenThenRedirectToCdn_TokenReachesTheUpstreamOnlyAndEveryRequestCrossesTheTap()
    {
        const string realm = "https://auth.test/token";
        var wire = new TestHandler(request => request.RequestUri!.Host switch
        {
            "auth.test" => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"token":"t1"}""") },
            "registry.test" when request.Headers.Authorization?.ToString() != "Bearer t1" => Unauthorized($"Bearer realm=\"{realm}\",service=\"registry.test\""),
            "registry.test" => Redirect("https://cdn.test/blob?sig=1"),
            _ => new HttpResponseMessage(HttpStatusCode.OK),
        });
        var tap = new ScriptedTap(wire);
        var chain = Chain(tap);
        using var sockets = new SocketsHttpHandler();
        using var invoker = new HttpMessageInvoker(chain.Build(Registry, new UpstreamOptions(), sockets));

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://registry.test/v2/team/app/blobs/sha256:abc"), default);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        tap.Attached.Should().BeSameAs(sockets);
        wire.Sent.Select(s => (s.Uri.Host, s.Headers.GetValueOrDefault("Authorization"))).Should().Equal(
            ("registry.test", null), ("auth.test", null), ("registry.test", "Bearer t1"), ("cdn.test", null));
    }

    [Fact]
    public async Task Send_429ThenRebuild_TheRebuiltClientSendsNothingAndTheTokenServerIsNotAsked()
    {
        // A reload builds new clients on the same chain; the back-off must outlive the old one.
        var wire = new TestHandler(_ => new HttpResponseMessage(HttpStatusCode.TooManyRequests));
        var services = Services(new ScriptedTap(wire));
        var chain = services.GetRequiredService<UpstreamHandlerChain>();
        var http = new UpstreamHttpOptions { RateLimitBackoff = TimeSpan.FromSeconds(7) };
        using (var before = new HttpMessageInvoker(chain.Build(Registry, new UpstreamOptions(), new SocketsHttpHandler(), http: http)))
        using (var refused = await before.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://registry.test/v2/team/app/manifests/v1"), default))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        }

        using var after = new HttpMessageInvoker(chain.Build(Registry, new UpstreamOptions(), new SocketsHttpHandler(), http: http));
        using var local = await after.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://registry.test/v2/team/app/blobs/sha256:abc"), default);

        RateLimitHandler.IsBackoffAnswer(local).Should().BeTrue();
        local.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(7), "the table's Http:RateLimitBackoff applies to a 429 without Retry-After");
        wire.Sent.Should().ContainSingle();
        services.GetRequiredService<UpstreamBackoff>().TimeProvider.Should().BeSameAs(_time);
    }

    [Fact]
    public void AddUpstreamHandlers_ShareOneTokenCacheOnTheRegisteredClock()
    {
        var services = Services();

        var cache = services.GetRequiredService<TokenCache>();

        cache.Should().BeSameAs(services.GetRequiredService<TokenCache>());
        cache.TimeProvider.Should().BeSameAs(_time);
        cache.Options.Should().Be(new UpstreamAuthenticationOptions());
        services.GetRequiredService<UpstreamHandlerChain>().Should().BeSameAs(services.GetRequiredService<UpstreamHandlerChain>());
    }

    private UpstreamHandlerChain Chain(IUpstreamWireTap? tap = null) => Services(tap).GetRequiredService<UpstreamHandlerChain>();

    private ServiceProvider Services(IUpstreamWireTap? tap = null)
    {
        // The host registers the resolver once (AddUpstreamCredentials); without a docker config here.
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_time).AddSingleton(new UpstreamCredentialResolver(_ => null));
        if (tap is not null)
        {
            services.AddSingleton(tap);
        }

        var provider = services.AddUpstreamHandlers().BuildServiceProvider();
        _disposables.Add(provider);
        return provider;
    }

    private HttpMessageHandler Track(HttpMessageHandler handler)
    {
        _disposables.Add(handler);
        return handler;
    }

    private static IEnumerable<HttpMessageHandler> Handlers(HttpMessageHandler handler)
    {
        for (HttpMessageHandler? current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
        {
            yield return current;
        }
    }

    private static IEnumerable<Type> Layers(HttpMessageHandler handler) => Handlers(handler).Select(h => h.GetType());

    private static HttpResponseMessage Unauthorized(string challenge)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", challenge);
        return response;
    }

    private static HttpResponseMessage Redirect(string location)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TemporaryRedirect);
        response.Headers.TryAddWithoutValidation("Location", location);
        return response;
    }

    /// <summary>Answers in place of the sockets, to see the whole chain's traffic where it would go on the wire.</summary>
    private sealed class ScriptedTap(HttpMessageHandler wire) : IUpstreamWireTap
    {
        public SocketsHttpHandler? Attached { get; private set; }

        public HttpMessageHandler Attach(SocketsHttpHandler sockets)
        {
            Attached = sockets;
            return wire;
        }
    }
}
