using System.Net;
using Collage.Tests.Common;
using Collage.Transforms.Redirects;
using static Collage.Tests.Redirects.RedirectHops;

namespace Collage.Tests.Redirects;

/// <summary>Which answers are followed, how the next hop is found, and what happens to the hops on the way.</summary>
public sealed class RedirectFollowingHandlerTests
{
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

    private Task<HttpResponseMessage> Send(
        TestHandler inner, HttpRequestMessage request, RedirectOptions? options = null, CancellationToken cancellationToken = default) =>
        RedirectHops.Send(_logger, inner, request, options, cancellationToken);
}
