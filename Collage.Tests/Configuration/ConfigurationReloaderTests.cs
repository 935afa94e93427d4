using Collage.Proxy.Configuration;
using Collage.Proxy.Hosting;
using Collage.Tests.Functional.Infrastructure;
using Collage.Transforms.Configuration;
using Collage.Transforms.Credentials;
using Collage.Transforms.Mounts;
using Collage.Transforms.Upstreams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Collage.Tests.Configuration;

/// <summary>
/// A reload applies every <c>Collage</c> setting a request reads, or refuses the edit saying a restart is needed;
/// it never accepts a change and keeps serving the old value. The reloader is driven directly (its file watching is
/// covered by the functional reload tests), on a gateway that is built but not started.
/// </summary>
public sealed class ConfigurationReloaderTests : IAsyncLifetime
{
    private readonly LogCollector _logs = new();
    private WebApplication _app = null!;

    public Task InitializeAsync()
    {
        _app = CollageApp.Build(
            ["--port", "0", "--bind", "127.0.0.1", "--Collage:Mappings:etcd", "http://127.0.0.1:5999/coreos/etcd"],
            builder => builder.Logging.AddProvider(_logs));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private MountTable Table => _app.Services.GetRequiredService<MountTableProvider>().Current;

    private Upstream Etcd => Table.Upstreams.Single(u => u.Authority == "127.0.0.1:5999");

    private void Reload(params (string Key, string? Value)[] edits)
    {
        foreach (var (key, value) in edits)
        {
            _app.Configuration[key] = value;
        }

        _app.Services.GetServices<IHostedService>().OfType<ConfigurationReloader>().Single().Reload();
    }

    [Fact]
    public void Reload_CollageHttp_IsAppliedToTheTableAndGetsNewClients()
    {
        var clients = _app.Services.GetRequiredService<UpstreamClientFactory>();
        var before = clients.GetClient(Table, Etcd);

        Reload(("Collage:Http:ConnectTimeout", "00:00:03"), ("Collage:Http:ActivityTimeout", "00:00:42"));

        Table.Http.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(3), "a reload that checked the keys but kept the start-up values accepted and ignored them");
        Table.Http.ActivityTimeout.Should().Be(TimeSpan.FromSeconds(42));
        clients.GetClient(Table, Etcd).Should().NotBeSameAs(before, "the sockets' timeouts are set when a client is built");
    }

    [Fact]
    public void Reload_PublicUrlAndTrustedProxies_AreApplied()
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1:5000");
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("10.0.0.5");
        context.Request.Headers["X-Forwarded-Host"] = "registry.example.com";
        Table.PublicUrl.Resolve(context).Should().Be("http://127.0.0.1:5000");

        Reload(("Collage:TrustedProxies", "10.0.0.5"));
        Table.PublicUrl.Resolve(context).Should().Be("http://registry.example.com");

        Reload(("Collage:PublicUrl", "https://collage.example.com/"));
        Table.PublicUrl.Realm(context).Should().Be("https://collage.example.com/v2/token");
    }

    [Fact]
    public void Reload_DockerConfig_IsApplied()
    {
        var directory = Directory.CreateTempSubdirectory("collage-reload-");
        try
        {
            var dockerConfig = Path.Combine(directory.FullName, "config.json");
            File.WriteAllText(dockerConfig, """{ "auths": {} }""");

            Reload(("Collage:DockerConfig", dockerConfig));

            Table.DockerConfig.Should().Be(dockerConfig);
            _app.Services.GetRequiredService<UpstreamCredentialResolver>().Locate(Table.DockerConfig).Should().Be(dockerConfig);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Reload_HealthSettings_AreRefusedWithARestartMessageAndNothingApplies()
    {
        var before = Table;

        Reload(("Collage:Health:ProbeInterval", "00:00:07"), ("Collage:Mappings:other", "http://127.0.0.1:5998/x"));

        Table.Should().BeSameAs(before, "a change applies whole or not at all");
        _logs.All.Should().Contain("Configuration change rejected at 'Collage:Health'").And.Contain("Restart Collage");
    }

    [Fact]
    public void Reload_CacheTtlsAndUpstreamCache_AreApplied()
    {
        Table.Cache.Should().NotBeNull("the embedded default has a cache");

        Reload(("Collage:Cache:TagTtl", "00:00:07"), ("Collage:Cache:StaleIfError", "00:10:00"));

        Table.Cache!.TagTtl.Should().Be(TimeSpan.FromSeconds(7));
        Table.CacheFor(Etcd).Should().Be(new Collage.Transforms.Caching.CachePolicy(TimeSpan.FromSeconds(7), TimeSpan.FromMinutes(10)));

        Reload(("Collage:Upstreams:127.0.0.1:5999:Cache:Enabled", "false"));

        Table.CacheFor(Etcd).Should().BeNull("the upstream's cache was switched off by the reload");
    }

    [Theory]
    [InlineData("Collage:Cache:MaxSize", "3GiB")]
    [InlineData("Collage:Cache:Path", "/srv/elsewhere")]
    public void Reload_CachePathOrMaxSize_IsRefusedWithARestartMessageAndNothingApplies(string key, string value)
    {
        var before = Table;

        Reload((key, value), ("Collage:Cache:TagTtl", "00:00:07"));

        Table.Should().BeSameAs(before, "a change applies whole or not at all");
        _logs.All.Should().Contain($"Configuration change rejected at '{key}'").And.Contain("apply at start-up only. Restart Collage");
    }

    [Fact]
    public async Task Reload_AddingOrRemovingTheCacheSection_IsRefused()
    {
        var directory = Directory.CreateTempSubdirectory("collage-reload-cache-");
        var file = Path.Combine(directory.FullName, "config.json");
        File.WriteAllText(file, """{ "mappings": { "etcd": "http://127.0.0.1:5999/coreos/etcd" }, "cache": {} }""");
        var logs = new LogCollector();
        var app = CollageApp.Build(["--config-file", file, "--port", "0", "--bind", "127.0.0.1"], builder => builder.Logging.AddProvider(logs));
        try
        {
            var table = app.Services.GetRequiredService<MountTableProvider>().Current;
            table.Cache.Should().NotBeNull();

            // Loaded by hand, as the poller would: the reloader is not subscribed, the gateway not being started.
            File.WriteAllText(file, """{ "mappings": { "etcd": "http://127.0.0.1:5999/coreos/etcd" } }""");
            ((IConfigurationRoot)app.Configuration).Providers.OfType<CollageFileConfigurationProvider>().Single().Load();
            app.Services.GetServices<IHostedService>().OfType<ConfigurationReloader>().Single().Reload();

            app.Services.GetRequiredService<MountTableProvider>().Current.Should().BeSameAs(table);
            logs.All.Should().Contain("Configuration change rejected at 'Collage:Cache'").And.Contain("removing the 'cache' section needs a restart");
        }
        finally
        {
            await app.DisposeAsync();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Reload_AddingACacheSectionUnderAConfigFile_IsRefused()
    {
        var directory = Directory.CreateTempSubdirectory("collage-reload-cache-");
        var file = Path.Combine(directory.FullName, "config.json");
        File.WriteAllText(file, """{ "mappings": { "etcd": "http://127.0.0.1:5999/coreos/etcd" } }""");
        var logs = new LogCollector();
        var app = CollageApp.Build(["--config-file", file, "--port", "0", "--bind", "127.0.0.1"], builder => builder.Logging.AddProvider(logs));
        try
        {
            app.Configuration["Collage:Cache:MaxSize"] = "1GiB";
            app.Services.GetServices<IHostedService>().OfType<ConfigurationReloader>().Single().Reload();

            app.Services.GetRequiredService<MountTableProvider>().Current.Cache.Should().BeNull();
            logs.All.Should().Contain("Configuration change rejected at 'Collage:Cache'").And.Contain("adding a 'cache' section needs a restart");
        }
        finally
        {
            await app.DisposeAsync();
            directory.Delete(recursive: true);
        }
    }
}
