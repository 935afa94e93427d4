using System.Net;
using Collage.Tests.Common;
using Collage.Transforms.Redirects;
using Microsoft.Extensions.Logging;
using static Collage.Tests.Redirects.RedirectHops;

namespace Collage.Tests.Redirects;

/// <summary>
/// The hops the handler refuses with a 502 that names nothing of the upstream: a downgrade to plain HTTP, a scheme other
/// than HTTP(S), and more redirects than allowed.
/// </summary>
public sealed class RedirectFollowingHandlerRefusalTests
{
    private readonly RecordingLogger<RedirectFollowingHandler> _logger = new();

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

    private static async Task ShouldNotLeakUpstream(HttpResponseMessage response)
    {
        response.Headers.Location.Should().BeNull();
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
        response.ReasonPhrase.Should().NotContain("test");
    }

    private Task<HttpResponseMessage> Send(
        TestHandler inner, HttpRequestMessage request, RedirectOptions? options = null, CancellationToken cancellationToken = default) =>
        RedirectHops.Send(_logger, inner, request, options, cancellationToken);
}
