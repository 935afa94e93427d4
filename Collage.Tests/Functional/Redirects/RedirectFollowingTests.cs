using Collage.Transforms.Configuration;
using System.Net;
using System.Net.Http.Headers;
using Collage.Tests.Common;
using Collage.Transforms.Redirects;
using Microsoft.Extensions.Logging;

namespace Collage.Tests.Functional.Redirects;

public sealed class RedirectFollowingTests
{
    [Fact]
    public async Task Get_BlobRedirectedToCdn_CdnReceivesNoAuthorizationNorCookie()
    {
        await using var scenario = await RedirectScenario.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, RedirectScenario.BlobPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "registry-token");
        request.Headers.Add("Cookie", "session=abc");
        request.Headers.UserAgent.ParseAdd("collage-test/1.0");

        using var response = await scenario.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.Location.Should().BeNull();
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(RedirectScenario.Payload);

        var atUpstream = scenario.Upstream.Requests.Should().ContainSingle().Subject;
        atUpstream.Header("Authorization").Should().Be("Bearer registry-token", "the proxy forwards it to the registry");
        atUpstream.Header("Cookie").Should().Be("session=abc");

        var atCdn = scenario.Cdn.Requests.Should().ContainSingle().Subject;
        atCdn.PathAndQuery.Should().StartWith("/docker/registry/v2/blobs/sha256/01/0123/data?X-Signature=secret");
        atCdn.HasHeader("Authorization").Should().BeFalse();
        atCdn.HasHeader("Cookie").Should().BeFalse();
        atCdn.Header("User-Agent").Should().Be("collage-test/1.0");
    }

    [Theory]
    [InlineData("/v2/same")]
    [InlineData("/v2/relative")]
    public async Task Get_SameOriginRedirect_KeepsAuthorization(string path)
    {
        await using var scenario = await RedirectScenario.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "registry-token");
        request.Headers.Add("Cookie", "session=abc");

        using var response = await scenario.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(RedirectScenario.Payload);
        scenario.Upstream.Requests.Select(r => r.PathAndQuery).Should().Equal(path, "/local/data");
        var hop = scenario.Upstream.Requests[1];
        hop.Header("Authorization").Should().Be("Bearer registry-token");
        hop.HasHeader("Cookie").Should().BeFalse();
    }

    [Fact]
    public async Task Get_ConditionalThroughRedirect_CdnReceivesIfMatchAndIfUnmodifiedSince()
    {
        await using var scenario = await RedirectScenario.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, RedirectScenario.BlobPath);
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
        request.Headers.IfUnmodifiedSince = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

        using var response = await scenario.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var atCdn = scenario.Cdn.Requests.Should().ContainSingle().Subject;
        atCdn.Header("If-Match").Should().Be("*");
        atCdn.Header("If-Unmodified-Since").Should().Be("Fri, 01 Jan 2100 00:00:00 GMT");
    }

    [Fact]
    public async Task Get_RangeThroughRedirect_Returns206WithContentRange()
    {
        await using var scenario = await RedirectScenario.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, RedirectScenario.BlobPath);
        request.Headers.Range = new RangeHeaderValue(10, 19);

        using var response = await scenario.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        response.Content.Headers.ContentRange!.ToString().Should().Be("bytes 10-19/1024");
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(RedirectScenario.Payload[10..20]);
        scenario.Cdn.Requests.Should().ContainSingle().Which.Header("Range").Should().Be("bytes=10-19");
    }

    [Fact]
    public async Task Head_BlobRedirect_IsFollowed()
    {
        await using var scenario = await RedirectScenario.StartAsync();

        using var response = await scenario.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, RedirectScenario.BlobPath));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentLength.Should().Be(RedirectScenario.Payload.Length);
        scenario.Cdn.Requests.Should().ContainSingle().Which.Method.Should().Be("HEAD");
    }

    [Fact]
    public async Task Get_RedirectLoop_Returns502AfterMaxRedirects()
    {
        await using var scenario = await RedirectScenario.StartAsync(new RedirectOptions { MaxRedirects = 3 });

        using var response = await scenario.Client.GetAsync("/v2/loop");

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        response.Headers.Location.Should().BeNull();
        scenario.Upstream.Requests.Should().HaveCount(4).And.OnlyContain(r => r.PathAndQuery == "/v2/loop");
        scenario.Logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning)
            .Which.Message.Should().Contain(scenario.Upstream.BaseUri.Authority);
    }

    [Fact]
    public async Task Get_HttpsUpstreamRedirectsToHttp_Returns502()
    {
        using var ca = TestCertificates.CreateCa();
        using var certificate = TestCertificates.CreateServer(ca, IPAddress.Loopback);
        var caFile = Path.Combine(Path.GetTempPath(), $"collage-ca-{Guid.NewGuid():N}.pem");
        TestCertificates.WritePem(ca, caFile);
        try
        {
            await using var scenario = await RedirectScenario.StartAsync(
                upstreamCertificate: certificate, upstreamOptions: new UpstreamOptions { CaFile = caFile });
            scenario.Upstream.BaseUri.Scheme.Should().Be("https");

            using var response = await scenario.Client.GetAsync(RedirectScenario.BlobPath);

            response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
            (await response.Content.ReadAsStringAsync()).Should().NotContain("secret");
            scenario.Upstream.Requests.Should().ContainSingle();
            scenario.Cdn.Requests.Should().BeEmpty();
            scenario.Logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning)
                .Which.Message.Should().NotContain("secret");
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Fact]
    public async Task Post_Redirect_IsNotFollowed()
    {
        await using var scenario = await RedirectScenario.StartAsync();

        using var response = await scenario.Client.PostAsync(RedirectScenario.BlobPath, new ByteArrayContent([1, 2, 3]));

        response.StatusCode.Should().Be(HttpStatusCode.TemporaryRedirect);
        scenario.Cdn.Requests.Should().BeEmpty();
        scenario.Upstream.Requests.Should().ContainSingle().Which.Method.Should().Be("POST");
    }
}
