using System.Net;
using Collage.Tests.Functional.Authentication;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Observability;

public sealed class AccessLogTests
{
    private const string AccessLogPrefix = "Information Collage.AccessLog: ";

    [Fact]
    public async Task ProxiedRequest_WritesOneLineWithMethodHostNameUpstreamStatusBytesAndDuration()
    {
        await using var registry = await ObservedRegistry.StartAsync();
        await using var collage = await CollageServer.StartAsync(registry.Config());

        using (var response = await collage.Client.GetAsync("/v2/apps/web/manifests/v1"))
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var line = (await AccessLinesAsync(collage, 1)).Should().ContainSingle().Subject;
        line.Should().StartWith($"{AccessLogPrefix}GET {collage.BaseUri.Authority}/v2/apps/web/manifests/v1 200 {ObservedRegistry.Manifest.Length} bytes ")
            .And.MatchRegex(@" [0-9]+(\.[0-9]+)? ms ")
            .And.Contain("kind=manifest")
            .And.Contain("name=apps/web")
            .And.Contain($"upstream={registry.Upstream.Authority}")
            .And.Contain("vhost=global");
    }

    [Fact]
    public async Task BlobThroughCdnWithClientAndUpstreamCredentials_LogsNoAuthorizationTokenOrCdnQuery()
    {
        const string clientSecret = "client-bearer-4f1d9a";
        const string upstreamToken = "upstream-token-8c2e77";
        await using var registry = await ObservedRegistry.StartAsync();
        await using var tokens = await FakeTokenServer.StartAsync();
        tokens.Respond = (context, _) =>
        {
            tokens.Issued[upstreamToken] = true;
            return context.Response.WriteAsJsonAsync(new { token = upstreamToken, expires_in = 300 });
        };
        await using var bearerUpstream = await FakeRegistry.StartAsync(tokens);
        var config = registry.Config();
        ((Dictionary<string, string>)config["mappings"])["private"] = $"http://{bearerUpstream.BaseUri.Authority}/team";
        await using var collage = await CollageServer.StartAsync(config);

        using (var blob = new HttpRequestMessage(HttpMethod.Get, $"/v2/apps/web/blobs/{ObservedRegistry.Digest}?client=query-secret"))
        {
            blob.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", clientSecret);
            using var response = await collage.Client.SendAsync(blob);
            (await response.Content.ReadAsByteArrayAsync()).Should().Equal(ObservedRegistry.Blob);
        }

        using (var manifest = new HttpRequestMessage(HttpMethod.Get, "/v2/private/web/manifests/v1"))
        {
            manifest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", clientSecret);
            using var response = await collage.Client.SendAsync(manifest);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var lines = await AccessLinesAsync(collage, 2);
        lines.Should().HaveCount(2);
        lines[0].Should().Contain($"/v2/apps/web/blobs/{ObservedRegistry.Digest} 200 {ObservedRegistry.Blob.Length} bytes")
            .And.Contain($"upstream={registry.Upstream.Authority}");
        lines[1].Should().Contain("/v2/private/web/manifests/v1 200").And.Contain($"upstream={bearerUpstream.BaseUri.Authority}");
        tokens.Fetches.Should().Be(1, "the token dance really happened");

        var all = collage.Logs.All;
        all.Should().NotContain(clientSecret)
            .And.NotContain(upstreamToken)
            .And.NotContain(registry.Signature)
            .And.NotContain("X-Amz")
            .And.NotContain("query-secret")
            .And.NotContain("Authorization", "no header is logged");
    }

    [Fact]
    public async Task RefusedWrite_IsLoggedWithItsStatusAndNoUpstream()
    {
        await using var registry = await ObservedRegistry.StartAsync();
        await using var collage = await CollageServer.StartAsync(registry.Config());

        using (var response = await collage.Client.PutAsync("/v2/apps/web/manifests/v1", new ByteArrayContent([1, 2, 3])))
        {
            response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        }

        var line = (await AccessLinesAsync(collage, 1)).Should().ContainSingle().Subject;
        line.Should().StartWith($"{AccessLogPrefix}PUT {collage.BaseUri.Authority}/v2/apps/web/manifests/v1 405 ").And.Contain("upstream=-");
        registry.Upstream.Requests.Should().BeEmpty();
    }

    private static Task<string[]> AccessLinesAsync(CollageServer collage, int expected) =>
        Eventually.GetAsync(
            () => Task.FromResult(collage.Logs.Lines.Where(l => l.StartsWith(AccessLogPrefix, StringComparison.Ordinal)).ToArray()),
            lines => lines.Length >= expected);
}
