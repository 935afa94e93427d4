using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional;

public sealed class ConfigurationReloadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task EditConfigFile_NewMountsApplyWithoutRestart_BadEditsKeepLastGood()
    {
        await using var upstream = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("{}"));
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });
        (await StatusAsync(collage, "/v2/apps/web/manifests/v1")).Should().Be(HttpStatusCode.OK);

        await File.WriteAllTextAsync(collage.ConfigFile, JsonSerializer.Serialize(new { mappings = new Dictionary<string, string> { ["tools"] = $"http://{upstream.Authority}/team" } }));
        await EventuallyAsync(async () => await StatusAsync(collage, "/v2/tools/web/manifests/v1") == HttpStatusCode.OK);
        (await StatusAsync(collage, "/v2/apps/web/manifests/v1")).Should().Be(HttpStatusCode.NotFound, "the edited file replaced the old mounts");

        await File.WriteAllTextAsync(collage.ConfigFile, "{\"mapings\": {\"x\": \"quay.io/x\"}}");
        await EventuallyAsync(() => Task.FromResult(collage.Logs.All.Contains("rejected at 'Collage:mapings'", StringComparison.Ordinal)));
        (await StatusAsync(collage, "/v2/tools/web/manifests/v1")).Should().Be(HttpStatusCode.OK, "the last good config keeps serving");

        await File.WriteAllTextAsync(collage.ConfigFile, "{\"mappings\": {");
        await EventuallyAsync(() => Task.FromResult(collage.Logs.All.Contains("the config file did not load", StringComparison.Ordinal)));
        (await StatusAsync(collage, "/v2/tools/web/manifests/v1")).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task EditConfigFile_NewUpstreamGetsItsOwnCluster()
    {
        await using var first = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("{\"from\":\"first\"}"));
        await using var second = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("{\"from\":\"second\"}"));
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{first.Authority}/team" } });

        await File.WriteAllTextAsync(collage.ConfigFile, JsonSerializer.Serialize(new
        {
            mappings = new Dictionary<string, string> { ["apps"] = $"http://{first.Authority}/team", ["more"] = $"http://{second.Authority}/team" },
        }));

        await EventuallyAsync(async () => await StatusAsync(collage, "/v2/more/web/manifests/v1") == HttpStatusCode.OK);
        (await collage.Client.GetStringAsync("/v2/more/web/manifests/v1")).Should().Be("{\"from\":\"second\"}");
        (await collage.Client.GetStringAsync("/v2/apps/web/manifests/v1")).Should().Be("{\"from\":\"first\"}");
    }

    private static async Task<HttpStatusCode> StatusAsync(CollageServer collage, string path)
    {
        using var response = await collage.Client.GetAsync(path);
        return response.StatusCode;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            clock.Elapsed.Should().BeLessThan(Patience, "the change should apply within the time a file watcher needs");
            await Task.Delay(100);
        }
    }
}
