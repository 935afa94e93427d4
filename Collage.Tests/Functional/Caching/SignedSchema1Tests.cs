using System.Net;
using System.Text;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Caching;

/// <summary>
/// A signed Docker schema 1 manifest (what distribution 2.8 writes for a client that accepts neither schema 2 nor OCI,
/// e.g. one that sends no <c>Accept</c>) is signed anew on every answer, and its <c>Docker-Content-Digest</c> is that of
/// the payload without the signatures: the cache can neither check nor keep it, so it forwards it, as without a cache,
/// instead of calling it a digest mismatch (a 502 the client would never have met without the cache).
/// </summary>
public sealed class SignedSchema1Tests
{
    private const string SignedSchema1 = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    private const string PayloadDigest = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task GetOrHead_SignedSchema1Tag_ForwardedEveryTimeWithTheUpstreamsDigestAndNeverStored(string method)
    {
        var signatures = 0;
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            var body = Encoding.UTF8.GetBytes($$"""{"schemaVersion":1,"name":"team/web","tag":"v1","signatures":[{"signature":"{{Interlocked.Increment(ref signatures)}}"}]}""");
            context.Response.ContentType = SignedSchema1;
            context.Response.ContentLength = body.Length;
            context.Response.Headers["Docker-Content-Digest"] = PayloadDigest;
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await context.Response.Body.WriteAsync(body);
            }
        });
        var folder = Directory.CreateTempSubdirectory("collage-cache-").FullName;
        try
        {
            await using var collage = await CollageServer.StartAsync(new
            {
                mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" },
                cache = new { path = folder },
            });

            for (var round = 0; round < 2; round++)
            {
                using var response = await collage.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/v2/apps/web/manifests/v1"));
                var body = await response.Content.ReadAsStringAsync();

                response.StatusCode.Should().Be(HttpStatusCode.OK, "round {0}", round);
                response.MediaType().Should().Be(SignedSchema1);
                response.ContentDigest().Should().Be(PayloadDigest);
                response.XCache().Should().BeNull("the answer was forwarded, not served by the cache");
                if (method == "GET")
                {
                    body.Should().Contain("\"schemaVersion\":1");
                }
            }

            upstream.Requests.Where(r => r.Method == method).Should().HaveCountGreaterThanOrEqualTo(2, "each client's request was forwarded");
            upstream.Requests.Should().HaveCount(4, "per request the cache's own GET, which learns what it is, and the forwarded request");
            Directory.GetFiles(Path.Combine(folder, "blobs"), "*", SearchOption.AllDirectories).Should().BeEmpty("a manifest whose bytes do not match its digest is never stored");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
