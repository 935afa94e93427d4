using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Caching;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Spec;

/// <summary>
/// Distribution spec 1.1, "Pulling manifests" and "Checking if content exists in the registry": a successful manifest
/// answer SHOULD carry <c>Docker-Content-Digest</c>, a HEAD SHOULD carry <c>Content-Length</c>, and the registry SHOULD
/// NOT put parameters on <c>Content-Type</c>. Asserted for GET and HEAD, by tag and by digest, without the cache and
/// with it (its miss and its hit), and for an upstream that leaves the digest out.
/// </summary>
public sealed class ManifestAnswerHeadersTests
{
    private const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    private static readonly byte[] Manifest = FakeOciRegistry.ImageManifest(FakeOciRegistry.DigestOf([42]), FakeOciRegistry.DigestOf([43]));
    private static readonly string Digest = FakeOciRegistry.DigestOf(Manifest);

    public static TheoryData<string, bool, bool> Cases()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var method in new[] { "GET", "HEAD" })
        {
            foreach (var byDigest in new[] { false, true })
            {
                foreach (var cached in new[] { false, true })
                {
                    data.Add(method, byDigest, cached);
                }
            }
        }

        return data;
    }

    /// <summary>Every case but a HEAD by tag without the cache, where Collage has no bytes to take the digest of.</summary>
    public static TheoryData<string, bool, bool> CasesWithBytesOrDigest()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var (method, byDigest, cached) in Cases().Select(row => ((string)row[0], (bool)row[1], (bool)row[2])))
        {
            if (method == "GET" || byDigest || cached)
            {
                data.Add(method, byDigest, cached);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Answer_GetOrHeadByTagOrDigestWithOrWithoutCache_HasDigestLengthAndPlainContentType(string method, bool byDigest, bool cached)
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        registry.SetTag("team-a/web", "v1", OciManifest, Manifest);
        await using var collage = await CachedCollage.StartAsync(registry, cached ? null : new { cache = new { enabled = false } });
        var path = $"/v2/a/web/manifests/{(byDigest ? Digest : "v1")}";

        var outcomes = new List<string?>();
        for (var round = 0; round < 2; round++)
        {
            var (response, body) = await collage.GetAsync(path, OciManifest, method: new HttpMethod(method));
            using (response)
            {
                AssertHeaders(response, body, method);
                outcomes.Add(response.XCache());
            }
        }

        outcomes.Should().Equal(cached ? ["MISS", "HIT"] : [null, null], "both the cache's miss and its hit were asserted");
    }

    [Theory]
    [MemberData(nameof(CasesWithBytesOrDigest))]
    public async Task Answer_UpstreamLeavesDigestOut_CollageAddsTheManifestsDigest(string method, bool byDigest, bool cached)
    {
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = OciManifest;
            context.Response.ContentLength = Manifest.Length;
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await context.Response.Body.WriteAsync(Manifest);
            }
        });
        await using var collage = await SpecCollage.StartAsync(upstream.Authority, cached);
        var path = $"/v2/apps/web/manifests/{(byDigest ? Digest : "v1")}";

        for (var round = 0; round < 2; round++)
        {
            var (response, _) = await collage.SendAsync(method, path, OciManifest);
            using (response)
            {
                AssertHeaders(response, await response.Content.ReadAsByteArrayAsync(), method);
            }
        }
    }

    private static void AssertHeaders(HttpResponseMessage response, byte[] body, string method)
    {
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.ContentDigest().Should().Be(Digest, "Docker-Content-Digest names the manifest");
        response.Content.Headers.ContentLength.Should().Be(Manifest.Length, "Content-Length is the manifest's size, for HEAD too");
        string.Join(',', response.Content.Headers.GetValues("Content-Type")).Should().Be(OciManifest, "the media type carries no parameters");
        body.Should().Equal(method == "HEAD" ? [] : Manifest);
    }
}
