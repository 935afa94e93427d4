using System.Net;
using Collage.Proxy.Hosting;
using Collage.Transforms.Mounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using static Collage.Tests.Hosting.TestApps;

namespace Collage.Tests.Hosting;

/// <summary>
/// How a gateway is built from its layers (appsettings defaults, config file, environment, switches) and that it serves
/// once started.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class CollageAppTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("collage-app-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string ConfigFile(string json) => TestApps.ConfigFile(_directory, json);

    private static Action<WebApplicationBuilder> Layer(params (string Key, string Value)[] entries) =>
        builder => builder.Configuration.AddInMemoryCollection(entries.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)));

    private static MountTable Table(WebApplication app) => app.Services.GetRequiredService<MountTableProvider>().Current;

    private static IEnumerable<string> GlobalPrefixes(WebApplication app) => Table(app).Global.Mounts.Select(m => m.LocalPrefix);

    [Fact]
    public async Task Build_NoConfigFile_UsesAppsettingsDefaults()
    {
        await using var app = CollageApp.Build(Args(null));

        GlobalPrefixes(app).Should().BeEquivalentTo("cool/stuff", "etcd", "hub");
        Table(app).Global.Resolve("cool/stuff/x")!.Value.UpstreamName.Should().Be("flavio/x");
    }

    [Fact]
    public async Task Build_ConfigFile_ReplacesDefaultMappingsRatherThanMerging()
    {
        var file = ConfigFile("""{ "mappings": { "mine": "ghcr.io/me" } }""");

        await using var app = CollageApp.Build(Args(file));

        GlobalPrefixes(app).Should().Equal("mine");
        Table(app).Global.Resolve("etcd").Should().BeNull();
    }

    [Fact]
    public async Task Build_ConfigFileWithVhostsOnly_HasNoDefaultGlobalMappings()
    {
        var file = ConfigFile("""{ "vhosts": { "127.0.0.2:5000": { "mappings": { "/": "http://127.0.0.1:5102" } } } }""");

        await using var app = CollageApp.Build(Args(file));

        Table(app).Global.Mounts.Should().BeEmpty();
        Table(app).Select(new HostString("127.0.0.2:5000"), registryHost: null, out _).Resolve("x")!.Value.Upstream.Id.Should().Be("http://127.0.0.1:5102");
    }

    [Fact]
    public async Task Build_OriginalFileWithPortKeys_Works()
    {
        var file = ConfigFile("""
            {
              "mappings": { "local": "http://127.0.0.1:5102/lab" },
              "vhosts": { "127.0.0.2:5000": { "mappings": { "/": "http://127.0.0.1:5102" } } },
              "upstreams": { "127.0.0.1:5102": { "insecureSkipVerify": true } }
            }
            """);

        await using var app = CollageApp.Build(Args(file));

        var table = Table(app);
        table.Select(new HostString("127.0.0.2:5000"), registryHost: null, out _).Name.Should().Be("127.0.0.2:5000");
        table.UpstreamOptions["127.0.0.1:5102"].InsecureSkipVerify.Should().BeTrue();
        table.Upstreams.Should().ContainSingle();
    }

    [Fact]
    public async Task Build_EnvironmentLayer_MergesOverConfigFile()
    {
        var file = ConfigFile("""{ "mappings": { "etcd": "quay.io/coreos/etcd", "mine": "ghcr.io/me" } }""");

        // As Collage__Mappings__etcd=... and Collage__Mappings__extra=... would.
        await using var app = CollageApp.Build(Args(file), Layer(
            ("Collage:Mappings:etcd", "ghcr.io/etcd-io/etcd"),
            ("Collage:Mappings:extra", "gcr.io/extra")));

        GlobalPrefixes(app).Should().BeEquivalentTo("etcd", "mine", "extra");
        Table(app).Global.Resolve("etcd")!.Value.Upstream.Authority.Should().Be("ghcr.io");
        Table(app).Global.Resolve("etcd")!.Value.UpstreamName.Should().Be("etcd-io/etcd");
    }

    [Fact]
    public async Task Build_EnvironmentLayerWithoutFile_MergesOverDefaults()
    {
        await using var app = CollageApp.Build(Args(null), Layer(("Collage:Mappings:extra", "gcr.io/extra")));

        GlobalPrefixes(app).Should().BeEquivalentTo("cool/stuff", "etcd", "hub", "extra");
    }

    [Fact]
    public async Task Build_EnvironmentLayerWithPortKeys_Works()
    {
        await using var app = CollageApp.Build(Args(null), Layer(
            ("Collage:Vhosts:127.0.0.2:5000:Mappings:/", "http://127.0.0.1:5102"),
            ("Collage:Upstreams:127.0.0.1:5102:CaFile", string.Empty)));

        Table(app).Select(new HostString("127.0.0.2:5000"), registryHost: null, out _).Resolve("x")!.Value.Upstream.Authority.Should().Be("127.0.0.1:5102");
        Table(app).Select(new HostString("127.0.0.2:5001"), registryHost: null, out _).Name.Should().Be("global");
    }

    [Fact]
    public async Task Build_ConfigFileFromConfigureLayer_IsRead()
    {
        var file = ConfigFile("""{ "mappings": { "mine": "ghcr.io/me" } }""");

        // As COLLAGE_CONFIG_FILE would.
        await using var app = CollageApp.Build(Args(null), Layer(("Server:ConfigFile", file)));

        GlobalPrefixes(app).Should().Equal("mine");
    }

    [Fact]
    public async Task Build_ProcessEnvironment_ConfigFileAndMappingsLayer()
    {
        // The process-environment collection runs alone, one test at a time, so process variables are safe here.
        var file = ConfigFile("""{ "mappings": { "mine": "ghcr.io/me" } }""");
        Environment.SetEnvironmentVariable("COLLAGE_CONFIG_FILE", file);
        Environment.SetEnvironmentVariable("Collage__Mappings__fromenv", "quay.io/env");
        try
        {
            await using var app = CollageApp.Build(["--port", "0", "--bind", "127.0.0.1"]);

            GlobalPrefixes(app).Should().BeEquivalentTo("mine", "fromenv");
        }
        finally
        {
            Environment.SetEnvironmentVariable("COLLAGE_CONFIG_FILE", null);
            Environment.SetEnvironmentVariable("Collage__Mappings__fromenv", null);
        }
    }

    [Fact]
    public async Task Build_PortSwitch_OverridesCollagePortVariable()
    {
        Environment.SetEnvironmentVariable("COLLAGE_PORT", "http");
        try
        {
            await using var app = CollageApp.Build(Args(null));

            GlobalPrefixes(app).Should().Contain("etcd");
        }
        finally
        {
            Environment.SetEnvironmentVariable("COLLAGE_PORT", null);
        }
    }

    [Fact]
    public async Task Build_Default_SchedulesRequestsOnTheSocketThread()
    {
        await using var app = CollageApp.Build(Args(null));

        app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling.Should().BeTrue();
    }

    [Fact]
    public async Task Build_InlineSchedulingFalse_KeepsKestrelsThreadPoolScheduling()
    {
        await using var app = CollageApp.Build(Args(null, "--Server:InlineScheduling", "false"));

        app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling.Should().BeFalse();
    }

    [Fact]
    public async Task Build_Default_DropsLogLinesRatherThanWaitForAStalledConsole()
    {
        await using var app = CollageApp.Build(Args(null));

        app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.QueueFullMode.Should().Be(ConsoleLoggerQueueFullMode.DropWrite);
    }

    [Fact]
    public async Task Build_QueueFullModeSet_KeepsTheOperatorsChoice()
    {
        await using var app = CollageApp.Build(Args(null, "--Logging:Console:QueueFullMode", "Wait"));

        app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.QueueFullMode.Should().Be(ConsoleLoggerQueueFullMode.Wait);
    }

    [Fact]
    public async Task Build_PortZeroOnLoopback_ServesBaseAndOwnErrors()
    {
        await using var app = CollageApp.Build(Args(ConfigFile("""{ "mappings": { "etcd": "http://127.0.0.1:9/coreos/etcd" } }""")));
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            new Uri(address).Host.Should().Be("127.0.0.1");
            using var client = new HttpClient { BaseAddress = new Uri(address) };

            using var baseResponse = await client.GetAsync("/v2/");
            baseResponse.StatusCode.Should().Be(HttpStatusCode.OK);
            baseResponse.Headers.GetValues("Docker-Distribution-API-Version").Should().Equal("registry/2.0");

            using var invalid = await client.GetAsync("/v2/Etcd/manifests/latest");
            invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await invalid.Content.ReadAsStringAsync()).Should().Contain("NAME_INVALID");

            using var unknown = await client.GetAsync("/v2/nginx/manifests/latest");
            unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await unknown.Content.ReadAsStringAsync()).Should().Contain("NAME_UNKNOWN");

            using var push = await client.PutAsync("/v2/etcd/manifests/latest", new StringContent("{}"));
            push.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
