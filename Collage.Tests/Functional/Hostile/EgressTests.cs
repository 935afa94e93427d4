using System.Net;
using Microsoft.AspNetCore.Http;
using Collage.Tests.Common;
using Collage.Tests.Functional.Authentication;
using Collage.Tests.Functional.Infrastructure;
using Collage.Transforms.Upstreams;
using Microsoft.Extensions.DependencyInjection;

namespace Collage.Tests.Functional.Hostile;

/// <summary>
/// Watches every TCP connection and wire request of Collage's upstream handler chain while it serves real
/// pulls (a token dance, a CDN redirect, the catalog) and every trick to send it elsewhere: Collage only ever
/// connects to configured upstreams, the realm an upstream advertised, and the redirect target it chose.
/// </summary>
public sealed class EgressTests
{
    [Fact]
    public async Task Collage_OnlyConnectsToUpstreamsTheirRealmsAndTheirRedirectTargets()
    {
        var egress = new EgressRecorder();
        await using var decoy = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        await using var tokens = await FakeTokenServer.StartAsync();
        await using var registry = await FakeRegistry.StartAsync(tokens);
        registry.Challenge = () => registry.DefaultChallenge("repository:flavio/guestbook:pull");
        await using var cdn = await LoopbackServer.StartAsync(context => context.Response.Body.WriteAsync(new byte[1000]).AsTask());
        await using var redirecting = await LoopbackServer.StartAsync(context =>
        {
            context.Response.Redirect($"{cdn.BaseUri}blob?sig=1", permanent: false, preserveMethod: true);
            return Task.CompletedTask;
        });
        await using var collage = await CollageServer.StartAsync(
            new
            {
                mappings = new Dictionary<string, string>
                {
                    ["cool/stuff"] = $"http://{registry.BaseUri.Authority}/flavio",
                    ["apps"] = $"http://{redirecting.Authority}/team",
                },
            },
            services => services.AddSingleton<IUpstreamWireTap>(egress));
        var digest = "sha256:" + new string('b', 64);
        var d = decoy.Authority;

        using (var manifest = await collage.Client.GetAsync("/v2/cool/stuff/guestbook/manifests/v1"))
        using (var blob = await collage.Client.GetAsync($"/v2/apps/web/blobs/{digest}"))
        {
            manifest.StatusCode.Should().Be(HttpStatusCode.OK);
            blob.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        string[] tricks =
        [
            $"GET http://{d}/v2/apps/web/manifests/v1 HTTP/1.1\r\nHost: {d}\r\nConnection: close\r\n\r\n",
            $"GET /v2/apps/web/manifests/v1 HTTP/1.1\r\nHost: {d}\r\nConnection: close\r\n\r\n",
            $"GET /v2/apps/web/manifests/v1?ns={d} HTTP/1.1\r\nHost: {{host}}\r\nConnection: close\r\n\r\n",
            $"GET /v2/apps/web/blobs/{digest}?redirect=http://{d}/ HTTP/1.1\r\nHost: {{host}}\r\nConnection: close\r\n\r\n",
            $"GET /v2/apps/web/manifests/v1 HTTP/1.1\r\nHost: {{host}}\r\nX-Forwarded-Host: {d}\r\nForwarded: host={d}\r\nX-Original-URL: http://{d}/\r\nConnection: close\r\n\r\n",
            $"GET /v2/_catalog?last=http://{d}/ HTTP/1.1\r\nHost: {{host}}\r\nConnection: close\r\n\r\n",
            $"GET /v2/_catalog HTTP/1.1\r\nHost: {d}\r\nConnection: close\r\n\r\n",
            $"GET /v2/{d}/x/manifests/v1 HTTP/1.1\r\nHost: {{host}}\r\nConnection: close\r\n\r\n",
            $"GET /v2/cool/stuff/guestbook/manifests/v1 HTTP/1.1\r\nHost: {{host}}\r\nAuthorization: Bearer realm=\"http://{d}/token\"\r\nConnection: close\r\n\r\n",
        ];
        foreach (var trick in tricks)
        {
            var (status, _, body) = await RawRequest.SendAsync(collage.BaseUri, trick.Replace("{host}", collage.BaseUri.Authority, StringComparison.Ordinal));
            status.Should().BeInRange(200, 499, trick);
            body.Should().NotContain(d);
        }

        string[] allowed = [registry.BaseUri.Authority, tokens.BaseUri.Authority, redirecting.Authority, cdn.Authority];
        egress.Connects.Distinct().Should().BeSubsetOf(allowed).And.Contain(allowed, "the recorder saw the upstream, the realm and the CDN");
        egress.Requests.Select(r => r.Authority).Distinct().Should().BeSubsetOf(allowed);
        decoy.TotalConnections.Should().Be(0);
    }
}
