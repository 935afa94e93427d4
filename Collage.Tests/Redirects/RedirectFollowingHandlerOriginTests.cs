using System.Net;
using Collage.Tests.Common;
using Collage.Transforms.Redirects;
using static Collage.Tests.Redirects.RedirectHops;

namespace Collage.Tests.Redirects;

/// <summary>
/// What the next hop carries: credentials only to the same origin (scheme, host and port), never a cookie, and otherwise
/// only the allow-listed headers, with the version and policy of the first request.
/// </summary>
public sealed class RedirectFollowingHandlerOriginTests
{
    private readonly RecordingLogger<RedirectFollowingHandler> _logger = new();

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

    private Task<HttpResponseMessage> Send(
        TestHandler inner, HttpRequestMessage request, RedirectOptions? options = null, CancellationToken cancellationToken = default) =>
        RedirectHops.Send(_logger, inner, request, options, cancellationToken);
}
