using System.Net;
using Collage.Tests.Common;
using Microsoft.AspNetCore.Http;
using static Collage.Tests.Functional.Access.Tokens.TokenClient;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>
/// A token Collage issued to its client never goes upstream. The upstream here speaks token auth itself (a 401 naming
/// its own token server on the same port), so Collage must fetch and send the upstream's token; every Authorization
/// header the upstream and its token server received is recorded and none holds a Collage token or the client's login.
/// </summary>
public sealed class TokenNotForwardedTests : IAsyncLifetime
{
    private const string UpstreamToken = "upstream-token-7f3a";
    private TokenGateway _gateway = null!;
    private TokenGateway _open = null!;

    public async Task InitializeAsync()
    {
        _gateway = await TokenGateway.StartAsync(upstreamHandler: TokenAuthUpstreamAsync);
        _open = await TokenGateway.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _open.DisposeAsync();
    }

    [Fact]
    public async Task PullWithCollageTokens_UpstreamGetsOnlyItsOwnToken()
    {
        var issued = await PullEverythingAsync(_gateway);

        var authorizations = _gateway.Upstream.Requests.Select(r => r.Header("Authorization")).ToList();
        authorizations.Should().Contain($"Bearer {UpstreamToken}", "Collage did the upstream's token dance");
        authorizations.Where(a => a is not null).Should().OnlyContain(a => a == $"Bearer {UpstreamToken}", "the upstream's own token and nothing else");
        NoneHolds(_gateway, issued);
    }

    [Fact]
    public async Task PullWithCollageTokens_OpenUpstream_NoAuthorizationAtAll()
    {
        var issued = await PullEverythingAsync(_open);

        _open.Upstream.Requests.Should().NotBeEmpty().And.OnlyContain(r => !r.HasHeader("Authorization"));
        NoneHolds(_open, issued);
    }

    // Every kind of request a pull makes, each with a Collage token; returns the tokens and logins sent.
    private static async Task<List<string>> PullEverythingAsync(TokenGateway gateway)
    {
        var access = (await gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b"), "registry:catalog:*"], offline: true)).Token;
        var refresh = (await gateway.Client.PostTokenAsync(PasswordGrant(TokenGateway.Alice, true))).RefreshToken!;
        var renewed = (await gateway.Client.PostTokenAsync(RefreshGrant(refresh, Pull("internal/b")))).Token;
        var paths = new[]
        {
            "/v2/internal/b/manifests/v1",
            $"/v2/internal/b/manifests/{AccessUpstream.ManifestDigest}",
            $"/v2/internal/b/blobs/{AccessUpstream.BlobDigest}",
            "/v2/internal/b/tags/list",
            $"/v2/internal/b/referrers/{AccessUpstream.ManifestDigest}",
        };
        foreach (var token in new[] { access, renewed })
        {
            foreach (var path in paths)
            {
                using var response = await gateway.Client.WithTokenAsync(path, token);
                response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            }
        }

        using (var catalog = await gateway.Client.WithTokenAsync("/v2/_catalog", access))
        {
            catalog.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using (var head = await gateway.Client.WithTokenAsync("/v2/internal/b/manifests/v1", access, HttpMethod.Head))
        {
            head.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        return [access, refresh, renewed, AccessClient.BasicParameter(TokenGateway.Alice), "wonderland"];
    }

    private static void NoneHolds(TokenGateway gateway, List<string> issued)
    {
        var seen = string.Join('\n', gateway.Upstream.Requests.SelectMany(r => r.Headers.Values.Append(r.PathAndQuery)));
        foreach (var secret in issued.Concat(issued.Take(3).Select(t => t.Split('.')[2])))
        {
            seen.Should().NotContain(secret);
        }

        seen.Should().NotContain("eyJ", "no JWT of any kind went upstream");
    }

    // An upstream with token auth, its token server at /token on the same port.
    private static Task TokenAuthUpstreamAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        if (path == "/token")
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync($"{{\"token\":\"{UpstreamToken}\",\"expires_in\":300}}");
        }

        if (context.Request.Headers.Authorization != $"Bearer {UpstreamToken}")
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"http://{context.Request.Host}/token\",service=\"upstream\"";
            return Task.CompletedTask;
        }

        if (path.EndsWith("/_catalog", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("{\"repositories\":[\"up/internal/b\"]}");
        }

        if (path.EndsWith("/tags/list", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("{\"name\":\"up/internal/b\",\"tags\":[\"v1\"]}");
        }

        if (path.Contains("/referrers/", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/vnd.oci.image.index.v1+json";
            return context.Response.WriteAsync("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}");
        }

        var (body, type, digest) = path.Contains("/blobs/", StringComparison.Ordinal)
            ? (AccessUpstream.Blob, "application/octet-stream", AccessUpstream.BlobDigest)
            : (AccessUpstream.Manifest, "application/vnd.oci.image.manifest.v1+json", AccessUpstream.ManifestDigest);
        context.Response.ContentType = type;
        context.Response.ContentLength = body.Length;
        context.Response.Headers["Docker-Content-Digest"] = digest;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(body).AsTask();
    }
}
