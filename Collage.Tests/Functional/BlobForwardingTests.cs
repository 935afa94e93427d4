using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional;

public sealed class BlobForwardingTests
{
    private static readonly byte[] Blob = RandomNumberGenerator.GetBytes(300_000);
    private static readonly string Digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Blob));

    [Fact]
    public async Task Get_BlobRedirectedToCdn_StreamsBytesWithDigestAndNoCredentialsAtCdn()
    {
        await using var cdn = await LoopbackServer.StartAsync(ServeBlob(withDigest: false));
        await using var upstream = await LoopbackServer.StartAsync(context =>
        {
            context.Response.Headers.SetCookie = "upstream=1";
            context.Response.Redirect($"{cdn.BaseUri}docker/registry/v2/blobs/data?sig=secret", permanent: false, preserveMethod: true);
            return Task.CompletedTask;
        });
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/apps/web/blobs/{Digest}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-token");
        using var response = await collage.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.Location.Should().BeNull("the client only ever talks to Collage");
        response.Headers.GetValues("Docker-Content-Digest").Should().Equal(Digest);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(Blob);
        var atCdn = cdn.Requests.Should().ContainSingle().Subject;
        atCdn.Headers.Should().NotContainKeys("Authorization", "Cookie");
        atCdn.PathAndQuery.Should().Be("/docker/registry/v2/blobs/data?sig=secret");
    }

    [Fact]
    public async Task Get_BlobWithRange_Answers206WithContentRange()
    {
        await using var upstream = await LoopbackServer.StartAsync(ServeBlob(withDigest: true));
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/apps/web/blobs/{Digest}");
        request.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var response = await collage.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        response.Content.Headers.ContentRange!.ToString().Should().Be($"bytes 1000-1999/{Blob.Length}");
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(Blob[1000..2000]);
        upstream.Requests.Should().ContainSingle().Which.Headers["Range"].Should().Be("bytes=1000-1999");
    }

    [Fact]
    public async Task Head_BlobOnCdn_HasLengthAndDigest()
    {
        await using var cdn = await LoopbackServer.StartAsync(ServeBlob(withDigest: false));
        await using var upstream = await LoopbackServer.StartAsync(context =>
        {
            context.Response.Redirect($"{cdn.BaseUri}data", permanent: false, preserveMethod: true);
            return Task.CompletedTask;
        });
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        using var response = await collage.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/apps/web/blobs/{Digest}"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentLength.Should().Be(Blob.Length);
        response.Headers.GetValues("Docker-Content-Digest").Should().Equal(Digest);
    }

    [Fact]
    public async Task Get_SlowButMovingBlobLongerThanActivityTimeout_IsDeliveredWhole()
    {
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentLength = Blob.Length;
            context.Response.Headers["Docker-Content-Digest"] = Digest;
            // Ten pieces 300 ms apart: 3 s in all, never silent for the 2 s activity timeout (a wide margin: a loaded CI
            // machine stretches the pauses).
            var piece = Blob.Length / 10;
            for (var offset = 0; offset < Blob.Length; offset += piece)
            {
                await context.Response.Body.WriteAsync(Blob.AsMemory(offset, Math.Min(piece, Blob.Length - offset)));
                await context.Response.Body.FlushAsync();
                await Task.Delay(300);
            }
        });
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" },
            http = new { activityTimeout = "00:00:02" },
        });

        using var response = await collage.Client.GetAsync($"/v2/apps/web/blobs/{Digest}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(Blob);
    }

    [Fact]
    public async Task Get_RedirectLoop_Answers502OciError()
    {
        LoopbackServer? upstream = null;
        upstream = await LoopbackServer.StartAsync(context =>
        {
            context.Response.Redirect($"{upstream!.BaseUri}loop{context.Request.Path.Value!.Length}", permanent: false, preserveMethod: true);
            return Task.CompletedTask;
        });
        await using var _ = upstream;
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        using var response = await collage.Client.GetAsync($"/v2/apps/web/blobs/{Digest}");

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await ErrorAnswerTests.ErrorCodeAsync(response)).Should().Be("UNAVAILABLE");
        upstream.Requests.Count.Should().BeLessThanOrEqualTo(6);
    }

    private static RequestDelegate ServeBlob(bool withDigest) => async context =>
    {
        context.Response.ContentType = "application/octet-stream";
        if (withDigest)
        {
            context.Response.Headers["Docker-Content-Digest"] = Digest;
        }

        await Results.Bytes(Blob, "application/octet-stream", enableRangeProcessing: true).ExecuteAsync(context);
    };
}
