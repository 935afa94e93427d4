using System.Net;
using Collage.Tests.Common;
using Collage.Transforms.Redirects;
using Microsoft.Extensions.Logging;

namespace Collage.Tests.Redirects;

public sealed class RedirectFollowingHandlerTests
{
    private const string Blob = "https://registry.test/v2/library/alpine/blobs/sha256:abc";
    private const string Cdn = "https://cdn.test/blobs/abc/data?X-Amz-Signature=secret";

    private readonly RecordingLogger<RedirectFollowingHandler> _logger = new();

    [Fact]
    public void Ctor_NegativeMaxRedirects_Throws()
    {
        var act = () => new RedirectFollowingHandler(new RedirectOptions { MaxRedirects = -1 }, _logger);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxRedirects*");
    }

    [Fact]
    public async Task Send_FinalAnswer_IsReturnedAfterOneHop()
    {
        var inner = new TestHandler(_ => new HttpResponseMessage(HttpStatusCode.OK));
        using var request = Get(Blob);

        using var response = await Send(inner, request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.RequestMessage.Should().BeSameAs(request);
        inner.Sent.Should().ContainSingle().Which.Request.Should().BeSameAs(request);
    }

    [Theory]
    [InlineData(HttpStatusCode.MovedPermanently)]
    [InlineData(HttpStatusCode.Found)]
    [InlineData(HttpStatusCode.SeeOther)]
    [InlineData(HttpStatusCode.TemporaryRedirect)]
    [InlineData(HttpStatusCode.PermanentRedirect)]
    public async Task Send_RedirectStatus_IsFollowedWithSameMethod(HttpStatusCode status)
    {
        var inner = RedirectOnce(status, Cdn);
        using var request = Get(Blob);

        using var response = await Send(inner, request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        inner.Sent.Select(s => s.Uri.AbsoluteUri).Should().Equal(Blob, Cdn);
        inner.Sent[1].Method.Should().Be(HttpMethod.Get);
    }

    [Theory]
    [InlineData(HttpStatusCode.MultipleChoices)]
    [InlineData(HttpStatusCode.NotModified)]
    [InlineData(HttpStatusCode.UseProxy)]
    public async Task Send_Other3xx_IsNotFollowed(HttpStatusCode status)
    {
        var inner = RedirectOnce(status, Cdn);

        using var response = await Send(inner, Get(Blob));

        response.StatusCode.Should().Be(status);
        inner.Sent.Should().ContainSingle();
    }

    [Fact]
    public async Task Send_RedirectWithoutLocation_IsReturnedAsIs()
    {
        var inner = new TestHandler(_ => new HttpResponseMessage(HttpStatusCode.TemporaryRedirect));

        using var response = await Send(inner, Get(Blob));

        response.StatusCode.Should().Be(HttpStatusCode.TemporaryRedirect);
        inner.Sent.Should().ContainSingle();
    }

    [Fact]
    public async Task Send_Head_IsFollowedWithHead()
    {
        var inner = RedirectOnce(HttpStatusCode.TemporaryRedirect, Cdn);

        using var response = await Send(inner, new HttpRequestMessage(HttpMethod.Head, Blob));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        inner.Sent.Select(s => s.Method).Should().Equal(HttpMethod.Head, HttpMethod.Head);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    public async Task Send_UnsafeOrOtherMethod_IsNotFollowed(string method)
    {
        var inner = RedirectOnce(HttpStatusCode.TemporaryRedirect, Cdn);

        using var response = await Send(inner, new HttpRequestMessage(new HttpMethod(method), Blob));

        response.StatusCode.Should().Be(HttpStatusCode.TemporaryRedirect);
        response.Headers.Location.Should().Be(new Uri(Cdn));
        inner.Sent.Should().ContainSingle();
    }

    [Theory]
    [InlineData("/cdn/data", "https://registry.test/cdn/data")]
    [InlineData("data?sig=1", "https://registry.test/v2/library/alpine/blobs/data?sig=1")]
    [InlineData("../../other/blobs/x", "https://registry.test/v2/library/other/blobs/x")]
    [InlineData("//cdn.test/data", "https://cdn.test/data")]
    public async Task Send_RelativeLocation_IsResolvedAgainstRequestUri(string location, string expected)
    {
        var inner = RedirectOnce(HttpStatusCode.TemporaryRedirect, location);

        using var response = await Send(inner, Get(Blob));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        inner.Sent[1].Uri.AbsoluteUri.Should().Be(expected);
    }

    [Fact]
    public async Task Send_RelativeLocationOnSecondHop_IsResolvedAgainstFirstHop()
    {
        var inner = new TestHandler(r => r.RequestUri!.AbsolutePath switch
        {
            "/v2/library/alpine/blobs/sha256:abc" => Redirect(HttpStatusCode.TemporaryRedirect, "https://cdn.test/a/b"),
            "/a/b" => Redirect(HttpStatusCode.Found, "c"),
            _ => new HttpResponseMessage(HttpStatusCode.OK),
        });

        using var response = await Send(inner, Get(Blob));

        inner.Sent.Select(s => s.Uri.AbsoluteUri).Should().Equal(Blob, "https://cdn.test/a/b", "https://cdn.test/a/c");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Send_CrossOriginRedirect_DropsAuthorization()
    {
        var inner = RedirectOnce(HttpStatusCode.TemporaryRedirect, Cdn);
        using var request = Get(Blob);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer registry-token");

        using var response = await Send(inner, request);

        inner.Sent[0].Headers.Should().ContainKey("Authorization");
        inner.Sent[1].Headers.Should().NotContainKey("Authorization");
    }

    [Fact]
    public async Task Send_SameOriginRedirect_KeepsAuthorization()
    {
        var inner = RedirectOnce(HttpStatusCode.TemporaryRedirect, "https://REGISTRY.test:443/v2/other");
        using var request = Get(Blob);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer registry-token");

        using var response = await Send(inner, request);

        inner.Sent[1].Headers["Authorization"].Should().Be("Bearer registry-token");
    }

    [Theory]
    [InlineData("http://registry.test/v2/x", "https://registry.test/v2/x")]
    [InlineData("http://registry.test/v2/x", "http://registry.test:8080/v2/x")]
    [InlineData("https://registry.test/v2/x", "https://registry.test:8443/v2/x")]
    [InlineData("https://registry.test/v2/x", "https://cdn.registry.test/v2/x")]
    public async Task Send_OtherSchemePortOrHost_DropsAuthorization(string original, string target)
    {
        var inner = RedirectOnce(HttpStatusCode.TemporaryRedirect, target);
        using var request = Get(original);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer registry-token");

        using var response = await Send(inner, request);

        inner.Sent.Should().HaveCount(2);
        inner.Sent[1].Headers.Should().NotContainKey("Authorization");
    }

    [Fact]
    public async Task Send_SameOriginRedirect_NeverCarriesCookie()
    {
        var inner = RedirectOnce(HttpStatusCode.TemporaryRedirect, "/v2/other");
        using var request = Get(Blob);
        request.Headers.TryAddWithoutValidation("Cookie", "session=1");

        using var response = await Send(inner, request);

        inner.Sent[1].Headers.Should().NotContainKey("Cookie");
    }

    [Fact]
    public async Task Send_Redirect_CopiesOnlyAllowListedHeaders()
    {
        var inner = RedirectOnce(HttpStatusCode.TemporaryRedirect, Cdn);
        using var request = Get(Blob);
        request.Headers.TryAddWithoutValidation("Accept", "application/octet-stream");
        request.Headers.TryAddWithoutValidation("Range", "bytes=0-9");
        request.Headers.TryAddWithoutValidation("If-Range", "\"etag\"");
        request.Headers.TryAddWithoutValidation("If-None-Match", "\"other\"");
        request.Headers.TryAddWithoutValidation("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT");
        request.Headers.TryAddWithoutValidation("If-Match", "\"blob-etag\"");
        request.Headers.TryAddWithoutValidation("If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT");
        request.Headers.TryAddWithoutValidation("User-Agent", "containerd/1.6");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "10.0.0.1");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic eA==");
        request.Headers.TryAddWithoutValidation("X-Custom", "1");

        using var response = await Send(inner, request);

        // The CDN is another origin: it must still be asked the same conditional question (RFC 9110
        // section 13.1), or a client resuming a blob gets a changed one instead of a 412.
        inner.Sent[1].Uri.Host.Should().Be("cdn.test");
        inner.Sent[1].Headers.Keys.Should().BeEquivalentTo(
            "Accept", "Range", "If-Range", "If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "User-Agent");
        inner.Sent[1].Headers["If-Match"].Should().Be("\"blob-etag\"");
        inner.Sent[1].Headers["If-Unmodified-Since"].Should().Be("Sun, 06 Nov 1994 08:49:37 GMT");
        inner.Sent[1].Headers["Range"].Should().Be("bytes=0-9");
        inner.Sent[1].Headers["User-Agent"].Should().Be("containerd/1.6");
    }

    [Fact]
    public async Task Send_Redirect_KeepsVersionAndPolicy()
    {
        var inner = RedirectOnce(HttpStatusCode.TemporaryRedirect, Cdn);
        using var request = Get(Blob);
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;

        using var response = await Send(inner, request);

        inner.Sent[1].Version.Should().Be(HttpVersion.Version20);
        inner.Sent[1].VersionPolicy.Should().Be(HttpVersionPolicy.RequestVersionExact);
    }

    [Fact]
    public async Task Send_TwoRedirects_SendsThreeHopsAndAnswersWithTheLast()
    {
        var inner = new TestHandler(r => r.RequestUri!.Host == "registry.test"
            ? Redirect(HttpStatusCode.TemporaryRedirect, "https://edge.test/1")
            : r.RequestUri.AbsolutePath == "/1"
                ? Redirect(HttpStatusCode.Found, "https://cdn.test/2")
                : new HttpResponseMessage(HttpStatusCode.OK));
        using var request = Get(Blob);

        using var response = await Send(inner, request);

        response.RequestMessage!.RequestUri.Should().Be(new Uri("https://cdn.test/2"));
        inner.Sent.Select(s => s.Uri.AbsoluteUri).Should().Equal(Blob, "https://edge.test/1", "https://cdn.test/2");
        inner.Sent[0].Request.Should().BeSameAs(request);
    }

    [Fact]
    public async Task Send_Redirect_DisposesIntermediateResponses()
    {
        var contents = new List<TrackingContent>();
        var inner = new TestHandler(r =>
        {
            var content = new TrackingContent();
            contents.Add(content);
            var response = r.RequestUri!.Host == "registry.test"
                ? Redirect(HttpStatusCode.TemporaryRedirect, Cdn)
                : new HttpResponseMessage(HttpStatusCode.OK);
            response.Content = content;
            return response;
        });

        using var response = await Send(inner, Get(Blob));

        contents.Should().HaveCount(2);
        contents[0].IsDisposed.Should().BeTrue();
        contents[1].IsDisposed.Should().BeFalse();
    }

    [Fact]
    public async Task Send_HttpsToHttp_IsRefusedWithBadGateway()
    {
        var inner = RedirectOnce(HttpStatusCode.TemporaryRedirect, "http://cdn.test/blobs/abc?X-Amz-Signature=secret");
        using var request = Get(Blob);

        using var response = await Send(inner, request);

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        inner.Sent.Should().ContainSingle();
        await ShouldNotLeakUpstream(response);
        var warning = _logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Subject;
        warning.Message.Should().Contain("registry.test").And.Contain("cdn.test").And.NotContain("secret");
        warning.Message.Should().Contain($"({RedirectRefusal.SchemeDowngrade})");
    }

    [Fact]
    public async Task Send_HttpToHttps_IsFollowed()
    {
        var inner = RedirectOnce(HttpStatusCode.TemporaryRedirect, Cdn);

        using var response = await Send(inner, Get("http://registry.test/v2/x/blobs/sha256:abc"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        inner.Sent.Should().HaveCount(2);
    }

    [Theory]
    [InlineData("ftp://cdn.test/blob")]
    [InlineData("file:///etc/passwd")]
    [InlineData("data:text/plain,hello")]
    public async Task Send_UnsupportedScheme_IsRefusedWithBadGateway(string location)
    {
        var inner = RedirectOnce(HttpStatusCode.Found, location);
        using var request = Get(Blob);

        using var response = await Send(inner, request);

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        inner.Sent.Should().ContainSingle();
        _logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning)
            .Which.Message.Should().Contain($"({RedirectRefusal.UnsupportedScheme})");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    public async Task Send_RedirectLoop_StopsAfterMaxRedirects(int maxRedirects)
    {
        var contents = new List<TrackingContent>();
        var inner = new TestHandler(_ =>
        {
            var response = Redirect(HttpStatusCode.TemporaryRedirect, Cdn);
            var content = new TrackingContent();
            contents.Add(content);
            response.Content = content;
            return response;
        });
        using var request = Get(Blob);

        using var response = await Send(inner, request, new RedirectOptions { MaxRedirects = maxRedirects });

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        inner.Sent.Should().HaveCount(maxRedirects + 1);
        contents.Should().OnlyContain(c => c.IsDisposed);
        await ShouldNotLeakUpstream(response);
        var warning = _logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Subject;
        warning.EventId.Name.Should().Be("RedirectLimitExceeded");
        warning.Message.Should().Contain("registry.test").And.NotContain("secret").And.NotContain("sha256:abc");
    }

    [Fact]
    public async Task Send_Redirect_PassesCancellationTokenToEveryHop()
    {
        using var cts = new CancellationTokenSource();
        var inner = RedirectOnce(HttpStatusCode.TemporaryRedirect, Cdn);

        using var response = await Send(inner, Get(Blob), cancellationToken: cts.Token);

        inner.Sent.Should().HaveCount(2).And.OnlyContain(s => s.CancellationToken == cts.Token);
    }

    [Fact]
    public async Task Send_CancelledDuringFirstHop_DoesNotSendNextHop()
    {
        using var cts = new CancellationTokenSource();
        var inner = new TestHandler(_ =>
        {
            cts.Cancel();
            return Redirect(HttpStatusCode.TemporaryRedirect, Cdn);
        });

        var act = () => Send(inner, Get(Blob), cancellationToken: cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        inner.Sent.Should().ContainSingle();
    }

    private static HttpRequestMessage Get(string uri) => new(HttpMethod.Get, uri);

    private static HttpResponseMessage Redirect(HttpStatusCode status, string location)
    {
        var response = new HttpResponseMessage(status);

        // As on the wire: the header parser, not the test, turns the text into a Uri.
        response.Headers.TryAddWithoutValidation("Location", location);
        return response;
    }

    /// <summary>Redirects the first request, answers 200 to every further one.</summary>
    private static TestHandler RedirectOnce(HttpStatusCode status, string location)
    {
        var first = true;
        return new TestHandler(_ =>
        {
            if (first)
            {
                first = false;
                return Redirect(status, location);
            }

            return new HttpResponseMessage(HttpStatusCode.OK);
        });
    }

    private static async Task ShouldNotLeakUpstream(HttpResponseMessage response)
    {
        response.Headers.Location.Should().BeNull();
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
        response.ReasonPhrase.Should().NotContain("test");
    }

    private async Task<HttpResponseMessage> Send(
        TestHandler inner, HttpRequestMessage request, RedirectOptions? options = null, CancellationToken cancellationToken = default)
    {
        var handler = new RedirectFollowingHandler(options ?? new RedirectOptions(), _logger) { InnerHandler = inner };
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        return await invoker.SendAsync(request, cancellationToken);
    }
}
