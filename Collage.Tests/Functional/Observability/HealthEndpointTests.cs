using System.Net;
using System.Text.Json;
using Collage.Proxy.Health;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Collage.Tests.Functional.Observability;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Healthz_Answers200WithoutTouchingAnUpstream()
    {
        await using var registry = await ObservedRegistry.StartAsync();
        await using var collage = await CollageServer.StartAsync(registry.Config());

        using var response = await collage.Client.GetAsync("/healthz");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("ok\n");
        response.Headers.Contains("Docker-Distribution-API-Version").Should().BeFalse("health is outside the registry API");
        registry.Upstream.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Readyz_ProbesOff_Answers200OnceConfigIsLoaded_WithoutProbing()
    {
        await using var registry = await ObservedRegistry.StartAsync();
        await using var collage = await CollageServer.StartAsync(registry.Config());

        using var response = await collage.Client.GetAsync("/readyz");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await StatusAsync(response)).Should().Be("ready");

        // Nothing to wait out: the prober, whose first round starts with the host, is not among the host's services,
        // and no round was ever published.
        collage.Services.GetServices<IHostedService>().Should().NotContain(s => s is UpstreamProber, "probes are off by default");
        collage.Services.GetRequiredService<UpstreamHealth>().Last.Should().BeNull();
        registry.Upstream.Requests.Should().BeEmpty("probes are off by default");
    }

    [Fact]
    public async Task Readyz_ProbesOnAndUpstreamUp_Answers200AndNamesTheUpstream()
    {
        await using var registry = await ObservedRegistry.StartAsync();
        await using var collage = await CollageServer.StartAsync(registry.Config(ProbesEvery("00:00:00.200")));

        var (status, body) = await Eventually.GetAsync(() => ReadyAsync(collage), r => r.Status == HttpStatusCode.OK);

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("status").GetString().Should().Be("ready");
        body.GetProperty("upstreams").GetProperty(registry.Upstream.Authority).GetString().Should().Be("up (200)");
        registry.Upstream.Requests.Should().Contain(r => r.Path == "/v2/");
    }

    [Fact]
    public async Task Readyz_ProbesOnAndUpstreamDown_Answers503AndNamesTheUpstream()
    {
        var deadPort = ErrorAnswerTests.FreeLoopbackPort();
        var dead = $"127.0.0.1:{deadPort}";
        await using var collage = await CollageServer.StartAsync(new Dictionary<string, object>
        {
            ["mappings"] = new Dictionary<string, string> { ["apps"] = $"http://{dead}/team" },
            ["health"] = new Dictionary<string, object> { ["probeUpstreams"] = true, ["probeInterval"] = "00:00:00.200", ["probeTimeout"] = "00:00:02" },
        });

        var (status, body) = await Eventually.GetAsync(() => ReadyAsync(collage), r => r.Body.TryGetProperty("upstreams", out _));

        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        body.GetProperty("status").GetString().Should().Be("upstream down");
        body.GetProperty("upstreams").GetProperty(dead).GetString().Should().StartWith("down (");
        collage.Logs.All.Should().Contain($"Upstream {dead} does not answer probes");

        // Cached: many readiness checks do not each reach out to the upstream.
        for (var i = 0; i < 20; i++)
        {
            (await ReadyAsync(collage)).Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        }
    }

    [Fact]
    public async Task Readyz_ProbesOn_ServesCachedResultsInsteadOfProbingPerRequest()
    {
        await using var registry = await ObservedRegistry.StartAsync();
        await using var collage = await CollageServer.StartAsync(registry.Config(ProbesEvery("00:10:00")));
        await Eventually.GetAsync(() => ReadyAsync(collage), r => r.Status == HttpStatusCode.OK);

        for (var i = 0; i < 10; i++)
        {
            (await ReadyAsync(collage)).Status.Should().Be(HttpStatusCode.OK);
        }

        registry.Upstream.Requests.Count(r => r.Path == "/v2/").Should().Be(1, "one probe round ran; readiness answers from its result");
    }

    private static Dictionary<string, object> ProbesEvery(string interval) =>
        new() { ["health"] = new Dictionary<string, object> { ["probeUpstreams"] = true, ["probeInterval"] = interval } };

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(CollageServer collage)
    {
        using var response = await collage.Client.GetAsync("/readyz");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }

    private static async Task<string?> StatusAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("status").GetString();
    }
}
