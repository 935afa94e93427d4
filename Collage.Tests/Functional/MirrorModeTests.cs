using System.Net;
using System.Text.Json;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional;

/// <summary>
/// Collage as the mirror of many registries: containerd's <c>?ns=</c> picks the vhost of the registry it names;
/// docker's <c>registry-mirrors</c> and podman's <c>registries.conf</c> mirrors need nothing but mounts.
/// </summary>
public sealed class MirrorModeTests : IAsyncLifetime
{
    private const string Digest = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    private LoopbackServer _quay = null!;
    private LoopbackServer _hub = null!;
    private LoopbackServer _global = null!;
    private LoopbackServer _vhost = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        _quay = await StartUpstreamAsync();
        _hub = await StartUpstreamAsync();
        _global = await StartUpstreamAsync();
        _vhost = await StartUpstreamAsync();
        _collage = await CollageServer.StartAsync(
            new
            {
                mappings = new Dictionary<string, string>
                {
                    ["/"] = $"http://{_global.Authority}",
                    ["caasp"] = $"http://{_global.Authority}/kubic/v3",
                },
                vhosts = new Dictionary<string, object>
                {
                    ["quay.io"] = Root(_quay),
                    ["index.docker.io"] = Root(_hub),
                    ["registry.production.lan"] = new { mappings = new Dictionary<string, string> { ["caasp"] = $"http://{_quay.Authority}/kubic/v3" } },
                    ["mirror.local.lan"] = Root(_vhost),
                },
            },
            extraArgs: ["--Logging:LogLevel:Collage=Debug"]);
    }

    public async Task DisposeAsync()
    {
        await _collage.DisposeAsync();
        foreach (var upstream in new[] { _quay, _hub, _global, _vhost })
        {
            await upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task GetManifest_NsNamesVhost_ServedByThatVhostWithoutNs()
    {
        using var response = await _collage.Client.GetAsync("/v2/coreos/etcd/manifests/v3?ns=quay.io");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _quay.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be("/v2/coreos/etcd/manifests/v3");
        _global.Requests.Should().BeEmpty("the Host header names no vhost, but ns does");
        _collage.Logs.All.Should().Contain("Mirror request for registry quay.io: serving vhost quay.io");
    }

    [Theory]
    [InlineData("docker.io")]
    [InlineData("registry-1.docker.io")]
    [InlineData("index.docker.io")]
    public async Task GetBlob_NsIsAnyDockerHubName_ServedByTheDockerHubVhost(string ns)
    {
        using var response = await _collage.Client.GetAsync($"/v2/library/alpine/blobs/{Digest}?ns={ns}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _hub.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be($"/v2/library/alpine/blobs/{Digest}");
    }

    [Fact]
    public async Task Get_NsNamesNoVhost_FallsBackToHostThenGlobal()
    {
        using var viaVhostHost = new HttpRequestMessage(HttpMethod.Get, "/v2/team/app/manifests/v1?ns=ghcr.io");
        viaVhostHost.Headers.Host = "mirror.local.lan";
        using var vhostResponse = await _collage.Client.SendAsync(viaVhostHost);
        using var globalResponse = await _collage.Client.GetAsync("/v2/team/app/manifests/v1?ns=ghcr.io");

        vhostResponse.StatusCode.Should().Be(HttpStatusCode.OK);
        globalResponse.StatusCode.Should().Be(HttpStatusCode.OK);
        _vhost.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be("/v2/team/app/manifests/v1");
        _global.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be("/v2/team/app/manifests/v1");
        _quay.Requests.Should().BeEmpty();
        _collage.Logs.All.Should().Contain("Mirror request for registry ghcr.io: no vhost has that name, serving mirror.local.lan by the Host header");
    }

    [Fact]
    public async Task Get_NsBeatsHostHeader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/team/app/manifests/v1?ns=quay.io");
        request.Headers.Host = "mirror.local.lan";

        using var response = await _collage.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _quay.Requests.Should().ContainSingle();
        _vhost.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task GetManifest_NsVhostMountsOnlySomeNames_OtherNamesAreUnknownThere()
    {
        // The vhost named by ns is the whole registry the client sees: the global root mount does not leak in.
        using var response = await _collage.Client.GetAsync("/v2/team/app/manifests/v1?ns=registry.production.lan");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ErrorAnswerTests.ErrorCodeAsync(response)).Should().Be("NAME_UNKNOWN");
        _global.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task GetTags_NsBesideOtherParameters_OnlyNsIsDropped_LinkKeepsNs()
    {
        using var response = await _collage.Client.GetAsync("/v2/coreos/etcd/tags/list?n=1&ns=quay.io&last=a%3Ab+c");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _quay.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be("/v2/coreos/etcd/tags/list?n=1&last=a%3Ab+c");
        response.Headers.GetValues("Link").Should().Equal("</v2/coreos/etcd/tags/list?n=1&last=v1&ns=quay.io>; rel=\"next\"");
    }

    [Fact]
    public async Task GetReferrers_UpstreamPagesWithLink_LocalLinkKeepsNs()
    {
        await using var upstream = await LoopbackServer.StartAsync(context =>
        {
            context.Response.Headers.Link = $"<http://{context.Request.Host}/v2/coreos/etcd/referrers/{Digest}?page=2>; rel=\"next\"";
            context.Response.ContentType = "application/vnd.oci.image.index.v1+json";
            return context.Response.WriteAsync("{\"schemaVersion\":2,\"manifests\":[]}");
        });
        await using var collage = await CollageServer.StartAsync(new
        {
            vhosts = new Dictionary<string, object> { ["quay.io"] = new { mappings = new Dictionary<string, string> { ["/"] = $"http://{upstream.Authority}" } } },
        });

        using var response = await collage.Client.GetAsync($"/v2/coreos/etcd/referrers/{Digest}?ns=quay.io");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        upstream.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be($"/v2/coreos/etcd/referrers/{Digest}");
        response.Headers.GetValues("Link").Should().Equal($"</v2/coreos/etcd/referrers/{Digest}?page=2&ns=quay.io>; rel=\"next\"");
    }

    [Fact]
    public async Task GetCatalog_Ns_ListsThatVhostAndPagesWithinIt()
    {
        using var first = await _collage.Client.GetAsync("/v2/_catalog?n=1&ns=quay.io");
        var link = first.Headers.GetValues("Link").Single();
        using var second = await _collage.Client.GetAsync(link.Split('<', '>')[1]);

        (await RepositoriesAsync(first)).Should().Equal("quay/a");
        link.Should().Be("</v2/_catalog?n=1&last=quay%2Fa&ns=quay.io>; rel=\"next\"");
        (await RepositoriesAsync(second)).Should().Equal("quay/b");
        _global.Requests.Should().BeEmpty("the catalog of the vhost named by ns is listed, not the global one");
        _quay.Requests.Should().OnlyContain(r => !r.Query.ContainsKey("ns"));
    }

    [Fact]
    public async Task GetManifest_DockerRegistryMirrorsRequest_OfficialNamePassesUnchanged()
    {
        // dockerd sends Docker Hub names (library/alpine) to each of its registry-mirrors, with the mirror's Host.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/library/alpine/manifests/latest");
        request.Headers.Host = "mirror.local.lan:5000";

        using var response = await _collage.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _vhost.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be("/v2/library/alpine/manifests/latest");
    }

    [Theory]
    [InlineData("", "global")]
    [InlineData("?ns=registry.production.lan", "vhost")]
    public async Task GetManifest_RegistriesConfMirrorWithNamespace_CaaspServedFromKubic(string query, string expected)
    {
        // registries.conf: prefix "registry.production.lan/caasp", mirror location "collage:5000/caasp" sends
        // /v2/caasp/velum/...; containerd's hosts.toml mirror sends the same plus ns.
        using var response = await _collage.Client.GetAsync($"/v2/caasp/velum/manifests/2.0{query}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var upstream = expected == "global" ? _global : _quay;
        upstream.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be("/v2/kubic/v3/velum/manifests/2.0");
    }

    private static object Root(LoopbackServer upstream) =>
        new { mappings = new Dictionary<string, string> { ["/"] = $"http://{upstream.Authority}" } };

    private static Task<LoopbackServer> StartUpstreamAsync() => LoopbackServer.StartAsync(context =>
    {
        var path = context.Request.Path.Value!;
        if (path == "/v2/_catalog")
        {
            return context.Response.WriteAsJsonAsync(new { repositories = new[] { "quay/a", "quay/b" } });
        }

        if (path.EndsWith("/tags/list", StringComparison.Ordinal))
        {
            return context.Response.WriteAsJsonAsync(new { name = "x", tags = new[] { "v2", "v1" } });
        }

        context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
        return context.Response.WriteAsync("{}");
    });

    private static async Task<IReadOnlyList<string>> RepositoriesAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. body.RootElement.GetProperty("repositories").EnumerateArray().Select(e => e.GetString()!)];
    }
}
