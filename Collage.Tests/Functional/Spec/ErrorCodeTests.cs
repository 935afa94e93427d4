using System.Net;
using System.Text;
using System.Text.Json;
using Collage.Tests.Common;
using Collage.Tests.Functional.Caching;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.Functional.Spec;

/// <summary>
/// Distribution spec 1.1, "Pulling manifests", "Pulling blobs", "Error Codes": a missing manifest or blob is a 404, each
/// with its own code (MANIFEST_UNKNOWN, BLOB_UNKNOWN; NAME_UNKNOWN for a repository Collage does not serve), with and
/// without the cache; a JSON error body is <c>{"errors":[{"code","message","detail"}]}</c> and its code one of the
/// spec's; and the conformance suite's own requests for a nonexistent manifest and a malformed digest.
/// </summary>
public sealed class ErrorCodeTests
{
    /// <summary>The codes the spec allows ("Error Codes", code-1 to code-14).</summary>
    internal static readonly string[] SpecCodes =
    [
        "BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN", "DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN", "MANIFEST_INVALID",
        "MANIFEST_UNKNOWN", "NAME_INVALID", "NAME_UNKNOWN", "SIZE_INVALID", "UNAUTHORIZED", "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS",
    ];

    private static readonly string Absent = "sha256:" + new string('0', 64);

    public static TheoryData<string, bool> MethodsAndCache() => new()
    {
        { "GET", false },
        { "GET", true },
        { "HEAD", false },
        { "HEAD", true },
    };

    [Theory]
    [MemberData(nameof(MethodsAndCache))]
    public async Task GetOrHead_UnknownBlobManifestOrName_404WithItsOwnCode(string method, bool cached)
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        registry.SetTag("team-a/web", "v1", ManifestTagTests.OciManifest, FakeOciRegistry.ImageManifest(FakeOciRegistry.DigestOf([1])));
        await using var collage = await CachedCollage.StartAsync(registry, cached ? null : new { cache = new { enabled = false } });
        (string Path, string Code, bool Upstream)[] cases =
        [
            ($"/v2/a/web/blobs/{Absent}", "BLOB_UNKNOWN", true),
            ("/v2/a/web/manifests/v2", "MANIFEST_UNKNOWN", true),
            ($"/v2/a/web/manifests/{Absent}", "MANIFEST_UNKNOWN", true),
            ("/v2/unmounted/web/manifests/v1", "NAME_UNKNOWN", false),
            ($"/v2/unmounted/web/blobs/{Absent}", "NAME_UNKNOWN", false),
            ("/v2/unmounted/web/tags/list", "NAME_UNKNOWN", false),
        ];

        foreach (var (path, code, upstream) in cases)
        {
            var before = registry.Requests.Count;
            var (response, body) = await collage.GetAsync(path, ManifestTagTests.OciManifest, method: new HttpMethod(method));
            using (response)
            {
                response.StatusCode.Should().Be(HttpStatusCode.NotFound, path);
                if (method == "GET")
                {
                    CodeOf(body).Should().Be(code, path);
                }
                else
                {
                    body.Should().BeEmpty(path);
                }
            }

            (registry.Requests.Count > before).Should().Be(upstream, "{0} {1} the upstream", path, upstream ? "asks" : "never asks");
        }
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task GetOrHead_ConformanceSuitesNonexistentManifest_404ManifestUnknownWithoutAskingUpstream(string method)
    {
        await using var upstream = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        await using var collage = await SpecCollage.StartAsync(upstream.Authority, cached: false);

        var (response, body) = await collage.SendAsync(method, "/v2/apps/web/manifests/.INVALID_MANIFEST_NAME");

        using (response)
        {
            response.StatusCode.Should().Be(HttpStatusCode.NotFound, "01_pull: nonexistent manifest should return 404");
            if (method == "GET")
            {
                CodeOf(body).Should().Be("MANIFEST_UNKNOWN");
            }
        }

        upstream.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData(false, "DIGEST_INVALID")]
    [InlineData(true, "UNSUPPORTED")]
    public async Task Get_ConformanceSuitesTotallyWrongDigest_400WithOneOfTheSpecsCodes(bool withBody, string code)
    {
        // 01_pull "400 response body should contain OCI-conforming JSON message" sends this GET with a Content-Type and a
        // body; it accepts 400 or 404, and a 400's first code must be one of the spec's.
        await using var upstream = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        await using var collage = await SpecCollage.StartAsync(upstream.Authority, cached: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/apps/web/manifests/sha256:totallywrong");
        if (withBody)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("blablabla"));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", ManifestTagTests.OciManifest);
        }

        using var response = await collage.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var answered = CodeOf(await response.Content.ReadAsStringAsync());
        answered.Should().Be(code).And.BeOneOf(SpecCodes);
        upstream.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("GET", "/v2/Apps/web/manifests/v1")]
    [InlineData("GET", "/v2/apps/web%2Fx/manifests/v1")]
    [InlineData("GET", "/v2/unmounted/web/manifests/v1")]
    [InlineData("GET", "/v2/apps/web/blobs/sha256:abc")]
    [InlineData("GET", "/v2/apps/web/blobs/latest")]
    [InlineData("GET", "/v2/apps/web/manifests/-tag")]
    [InlineData("GET", "/v2/apps/web/referrers/sha256:abc")]
    [InlineData("GET", "/v2/apps/web/whatever/v1")]
    [InlineData("GET", "/v2/apps/web/tags/list?n=-1")]
    [InlineData("GET", "/v2/_catalog?n=abc")]
    [InlineData("PUT", "/v2/apps/web/manifests/v1")]
    [InlineData("POST", "/v2/apps/web/blobs/uploads/")]
    [InlineData("DELETE", "/v2/apps/web/manifests/v1")]
    public async Task Refusal_EveryOneCollageWrites_IsAnOciErrorBodyWithOneOfTheSpecsCodes(string method, string path)
    {
        await using var upstream = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        await using var collage = await SpecCollage.StartAsync(upstream.Authority, cached: false);

        var (response, body) = await collage.SendAsync(method, path);

        using (response)
        {
            ((int)response.StatusCode).Should().BeInRange(400, 499);
            using var document = JsonDocument.Parse(body);
            var error = document.RootElement.GetProperty("errors")[0];
            error.GetProperty("code").GetString().Should().BeOneOf(SpecCodes, "{0} {1}", method, path);
            error.GetProperty("message").GetString().Should().NotBeNullOrWhiteSpace();
        }

        upstream.Requests.Should().BeEmpty();
    }

    private static string? CodeOf(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("errors")[0].GetProperty("code").GetString();
    }

    private static string? CodeOf(byte[] body) => CodeOf(Encoding.UTF8.GetString(body));
}
