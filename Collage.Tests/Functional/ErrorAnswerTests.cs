using Microsoft.AspNetCore.Http;
using System.Net;
using System.Text.Json;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.Functional;

public sealed class ErrorAnswerTests
{
    [Theory]
    [InlineData("POST", "/v2/apps/web/blobs/uploads/")]
    [InlineData("PUT", "/v2/apps/web/manifests/v1")]
    [InlineData("PATCH", "/v2/apps/web/blobs/uploads/abc")]
    [InlineData("DELETE", "/v2/apps/web/manifests/sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("DELETE", "/v2/")]
    public async Task Write_AnyWhereUnderV2_Is405AndNeverReachesUpstream(string method, string path)
    {
        await using var upstream = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        using var response = await collage.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent([1, 2, 3]) });

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        (await ErrorCodeAsync(response)).Should().Be("UNSUPPORTED");
        upstream.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("/v2/unmounted/web/manifests/v1", HttpStatusCode.NotFound, "NAME_UNKNOWN")]
    [InlineData("/v2/appsx/web/manifests/v1", HttpStatusCode.NotFound, "NAME_UNKNOWN")]
    [InlineData("/v2/Apps/web/manifests/v1", HttpStatusCode.BadRequest, "NAME_INVALID")]
    [InlineData("/v2/apps%2Fweb/manifests/v1", HttpStatusCode.BadRequest, "NAME_INVALID")]
    [InlineData("/v2/apps//web/manifests/v1", HttpStatusCode.BadRequest, "NAME_INVALID")]
    [InlineData("/v2/apps/web/blobs/sha256:abc", HttpStatusCode.BadRequest, "DIGEST_INVALID")]
    [InlineData("/v2/apps/web/whatever/v1", HttpStatusCode.NotFound, "UNSUPPORTED")]
    [InlineData("/v2/apps/web/tags/list?n=abc", HttpStatusCode.BadRequest, "UNSUPPORTED")]
    public async Task Get_BadOrUnmountedName_AnswersOciErrorWithoutContactingUpstream(string path, HttpStatusCode status, string code)
    {
        await using var upstream = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        using var response = await collage.Client.GetAsync(path);

        response.StatusCode.Should().Be(status);
        (await ErrorCodeAsync(response)).Should().Be(code);
        upstream.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("/v2/apps/../secret/manifests/v1")]
    [InlineData("/v2/apps/%2e%2e/secret/manifests/v1")]
    [InlineData("/v2/apps/./web/manifests/v1")]
    [InlineData("/v2/apps\\web/manifests/v1")]
    [InlineData("/v2/apps/web/..%2f..%2fsecret/manifests/v1")]
    [InlineData("http://{authority}/v2/apps/web/manifests/v1")]
    public async Task Get_RawTargetWithTraversal_Is400NameInvalid(string target)
    {
        await using var upstream = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        var (status, _, body) = await RawHttp.SendAsync(collage.BaseUri, "GET", target.Replace("{authority}", collage.BaseUri.Authority, StringComparison.Ordinal));

        status.Should().Be(400);
        body.Should().Contain("\"NAME_INVALID\"");
        upstream.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData(404, "/v2/apps/web/manifests/v1", HttpStatusCode.NotFound, "MANIFEST_UNKNOWN")]
    [InlineData(404, "/v2/apps/web/blobs/sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", HttpStatusCode.NotFound, "BLOB_UNKNOWN")]
    [InlineData(404, "/v2/apps/web/tags/list", HttpStatusCode.NotFound, "NAME_UNKNOWN")]
    [InlineData(500, "/v2/apps/web/manifests/v1", HttpStatusCode.BadGateway, "UNAVAILABLE")]
    [InlineData(503, "/v2/apps/web/manifests/v1", HttpStatusCode.BadGateway, "UNAVAILABLE")]
    [InlineData(429, "/v2/apps/web/manifests/v1", HttpStatusCode.TooManyRequests, "TOOMANYREQUESTS")]
    public async Task Get_UpstreamError_IsReplacedByOwnOciErrorThatLeaksNothing(int upstreamStatus, string path, HttpStatusCode status, string code)
    {
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.StatusCode = upstreamStatus;
            await context.Response.WriteAsync($"internal failure at http://secret-backend.internal:9000/team/web stack trace here");
        });
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        using var response = await collage.Client.GetAsync(path);

        response.StatusCode.Should().Be(status);
        var body = await response.Content.ReadAsStringAsync();
        (await ErrorCodeAsync(response)).Should().Be(code);
        body.Should().NotContain("secret-backend").And.NotContain(upstream.Authority).And.NotContain("team/web").And.NotContain("stack");
    }

    [Fact]
    public async Task Get_UpstreamNameUnknownCode_IsKeptWithLocalName()
    {
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.StatusCode = 404;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\",\"detail\":{\"name\":\"team/web\"}}]}");
        });
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        using var response = await collage.Client.GetAsync("/v2/apps/web/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = document.RootElement.GetProperty("errors")[0];
        error.GetProperty("code").GetString().Should().Be("NAME_UNKNOWN");
        error.GetProperty("detail").GetProperty("name").GetString().Should().Be("apps/web");
    }

    [Fact]
    public async Task Get_UpstreamRefusesConnection_Answers502OciError()
    {
        var port = FreeLoopbackPort();
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://127.0.0.1:{port}/team" } });

        using var response = await collage.Client.GetAsync("/v2/apps/web/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await ErrorCodeAsync(response)).Should().Be("UNAVAILABLE");
        (await response.Content.ReadAsStringAsync()).Should().NotContain(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        response.Headers.GetValues("Docker-Distribution-API-Version").Should().Equal("registry/2.0");
    }

    [Fact]
    public async Task Get_UpstreamSilentPastActivityTimeout_Answers504OciError()
    {
        using var release = new CancellationTokenSource();
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(10), release.Token);
            }
            catch (OperationCanceledException)
            {
            }
        });
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" },
            http = new { activityTimeout = "00:00:01" },
        });

        using var response = await collage.Client.GetAsync("/v2/apps/web/manifests/v1");
        await release.CancelAsync();

        response.StatusCode.Should().Be(HttpStatusCode.GatewayTimeout);
        (await ErrorCodeAsync(response)).Should().Be("UNAVAILABLE");
    }

    [Fact]
    public async Task Get_Base_Answers200EmptyObject()
    {
        await using var upstream = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });

        foreach (var path in new[] { "/v2/", "/v2" })
        {
            using var response = await collage.Client.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).Should().Be("{}");
            response.Headers.GetValues("Docker-Distribution-API-Version").Should().Equal("registry/2.0");
        }

        upstream.Requests.Should().BeEmpty();
    }

    internal static async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("errors")[0].GetProperty("code").GetString();
    }

    internal static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
