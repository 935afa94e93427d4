using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional;

public sealed class ManifestForwardingTests
{
    private const string ManifestDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static readonly byte[] Manifest = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}");

    [Fact]
    public async Task Get_ManifestByTag_PassesBodyAndHeadersUnchanged()
    {
        await using var upstream = await LoopbackServer.StartAsync(ServeManifest);
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["cool/stuff"] = $"http://{upstream.Authority}/flavio" } });

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/cool/stuff/guestbook/manifests/v1");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.index.v1+json");
        request.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        using var response = await collage.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(Manifest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/vnd.oci.image.manifest.v1+json");
        response.Content.Headers.ContentLength.Should().Be(Manifest.Length);
        response.Headers.GetValues("Docker-Content-Digest").Should().Equal(ManifestDigest);
        response.Headers.ETag!.Tag.Should().Be($"\"{ManifestDigest}\"");
        response.Headers.GetValues("Docker-Distribution-API-Version").Should().Equal("registry/2.0");

        var seen = upstream.Requests.Should().ContainSingle().Subject;
        seen.PathAndQuery.Should().Be("/v2/flavio/guestbook/manifests/v1");
        seen.Headers["Accept"].Should().Contain("application/vnd.oci.image.index.v1+json").And.Contain("application/vnd.docker.distribution.manifest.v2+json");
    }

    [Fact]
    public async Task Head_ManifestByDigest_HasLengthAndDigestWithoutBody()
    {
        await using var upstream = await LoopbackServer.StartAsync(ServeManifest);
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["etcd"] = $"http://{upstream.Authority}/coreos/etcd" } });

        using var response = await collage.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/etcd/manifests/{ManifestDigest}"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentLength.Should().Be(Manifest.Length);
        response.Headers.GetValues("Docker-Content-Digest").Should().Equal(ManifestDigest);
        upstream.Requests.Should().ContainSingle().Which.Should().Match<RecordedRequest>(r => r.Method == "HEAD" && r.PathAndQuery == $"/v2/coreos/etcd/manifests/{ManifestDigest}");
    }

    [Fact]
    public async Task Get_ClientCredentialsAndForwardedHeaders_NeverReachUpstream()
    {
        await using var upstream = await LoopbackServer.StartAsync(ServeManifest);
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/apps/web/manifests/v1?foo=bar&x=%2F");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpzZWNyZXQ=");
        request.Headers.Add("Cookie", "session=secret");
        request.Headers.Add("X-Forwarded-For", "10.0.0.1");
        request.Headers.UserAgent.ParseAdd("skopeo/1.9.3");
        using var response = await collage.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var seen = upstream.Requests.Should().ContainSingle().Subject;
        seen.PathAndQuery.Should().Be("/v2/team/web/manifests/v1?foo=bar&x=%2F", "query strings reach the upstream unchanged");
        seen.Headers.Should().NotContainKeys("Authorization", "Cookie", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded");
        seen.Headers["User-Agent"].Should().Be("skopeo/1.9.3");
        seen.Headers["Host"].Should().Be(upstream.Authority);
    }

    [Fact]
    public async Task Get_UpstreamHeadersOutsideAllowList_AreDropped()
    {
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.Headers.SetCookie = "upstream-session=1";
            context.Response.Headers["X-Amz-Request-Id"] = "internal";
            await ServeManifest(context);
        });
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        using var response = await collage.Client.GetAsync("/v2/apps/web/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.Should().NotContain(h => h.Key == "Set-Cookie" || h.Key == "X-Amz-Request-Id");
    }

    internal static async Task ServeManifest(HttpContext context)
    {
        context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
        context.Response.ContentLength = Manifest.Length;
        context.Response.Headers["Docker-Content-Digest"] = ManifestDigest;
        context.Response.Headers.ETag = $"\"{ManifestDigest}\"";
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(Manifest);
        }
    }
}
