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

    [Fact]
    public async Task ConfigMapSymlinkSwap_NewMountsApply()
    {
        // A Kubernetes ConfigMap volume: config.json -> ..data/config.json, and an update swaps the ..data symlink
        // atomically; the file's own link never changes.
        var volume = Directory.CreateTempSubdirectory("collage-configmap-").FullName;
        try
        {
            await using var upstream = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("{}"));
            WriteVersion(volume, "..2026_11_28_v1", new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });
            File.CreateSymbolicLink(Path.Combine(volume, "..data"), "..2026_11_28_v1");
            File.CreateSymbolicLink(Path.Combine(volume, "config.json"), Path.Combine("..data", "config.json"));
            await using var collage = await CollageServer.StartAsync(new { }, extraArgs: ["--config-file", Path.Combine(volume, "config.json")]);
            (await StatusAsync(collage, "/v2/apps/web/manifests/v1")).Should().Be(HttpStatusCode.OK);

            WriteVersion(volume, "..2026_11_28_v2", new { mappings = new Dictionary<string, string> { ["tools"] = $"http://{upstream.Authority}/team" } });
            File.CreateSymbolicLink(Path.Combine(volume, "..data_tmp"), "..2026_11_28_v2");
            // rename(2) over the old link, as the kubelet does (File.Move refuses a link to a directory).
            using (var rename = Process.Start("mv", ["-T", Path.Combine(volume, "..data_tmp"), Path.Combine(volume, "..data")]))
            {
                await rename.WaitForExitAsync();
                rename.ExitCode.Should().Be(0);
            }

            await EventuallyAsync(async () => await StatusAsync(collage, "/v2/tools/web/manifests/v1") == HttpStatusCode.OK);
            (await StatusAsync(collage, "/v2/apps/web/manifests/v1")).Should().Be(HttpStatusCode.NotFound);
        }
        finally
        {
            Directory.Delete(volume, recursive: true);
        }
    }

    private static void WriteVersion(string volume, string version, object config)
    {
        Directory.CreateDirectory(Path.Combine(volume, version));
        File.WriteAllText(Path.Combine(volume, version, "config.json"), JsonSerializer.Serialize(config));
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
