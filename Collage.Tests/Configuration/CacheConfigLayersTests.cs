using Collage.Proxy.Configuration;
using Collage.Proxy.Hosting;
using Collage.Tests.Hosting;
using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using static Collage.Tests.Hosting.TestApps;

namespace Collage.Tests.Configuration;

/// <summary>
/// Where a gateway's cache comes from: the embedded default gives <c>dotnet run</c> one, a <c>--config-file</c> replaces
/// it (a file without a <c>cache</c> section means no cache, as before), and which changes wait for a restart.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class CacheConfigLayersTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("collage-cache-layers-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static CacheOptions? Cache(WebApplication app) => app.Services.GetRequiredService<MountTableProvider>().Current.Cache;

    [Fact]
    public async Task Build_NoConfigFile_EmbeddedDefaultCachesUpTo2GiBInTheUserCacheFolder()
    {
        // The process-environment collection runs alone, so the variable is seen by this gateway only.
        var xdg = Path.Combine(_directory, "xdg");
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", xdg);
        try
        {
            await using var app = CollageApp.Build(Args(null));

            Cache(app).Should().Be(new CacheOptions { Path = Path.Combine(xdg, "collage"), MaxSize = 2L << 30 });
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", null);
        }
    }

    [Fact]
    public async Task Build_ConfigFileWithoutCacheSection_HasNoCache()
    {
        await using var app = CollageApp.Build(Args(ConfigFile(_directory, """{ "mappings": { "mine": "ghcr.io/me" } }""")));

        Cache(app).Should().BeNull("the embedded default's cache must not apply to a config file that did not ask for one");
    }

    [Fact]
    public async Task Build_ConfigFileWithCacheSection_ReplacesTheEmbeddedOneRatherThanMerging()
    {
        await using var app = CollageApp.Build(Args(ConfigFile(_directory, """{ "mappings": { "mine": "ghcr.io/me" }, "cache": { "tagTtl": "00:01:00" } }""")));

        Cache(app).Should().Be(new CacheOptions { TagTtl = TimeSpan.FromMinutes(1) }, "the embedded 2GiB is the default of dotnet run, not of a config file");
    }

    [Fact]
    public void RefuseStartupOnlyChange_TtlsOnly_IsAllowed()
    {
        var running = new CacheOptions { Path = "/var/cache/collage", MaxSize = 1L << 30 };

        CacheConfigReader.RefuseStartupOnlyChange(running, running with { TagTtl = TimeSpan.Zero, StaleIfError = TimeSpan.FromHours(1) });
        CacheConfigReader.RefuseStartupOnlyChange(null, null);
    }

    [Theory]
    [InlineData("/srv/cache", 1L << 30, "Collage:Cache:Path")]
    [InlineData("/var/cache/collage", 2L << 30, "Collage:Cache:MaxSize")]
    public void RefuseStartupOnlyChange_PathOrMaxSize_IsRefusedWithARestartMessage(string path, long maxSize, string key)
    {
        var running = new CacheOptions { Path = "/var/cache/collage", MaxSize = 1L << 30 };

        var act = () => CacheConfigReader.RefuseStartupOnlyChange(running, running with { Path = path, MaxSize = maxSize });

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == key)
            .WithMessage("*cache path, maxSize, store, s3, localMaxSize and redis apply at start-up only. Restart Collage to apply this change; none of it was applied.*");
    }

    [Fact]
    public void RefuseStartupOnlyChange_AddingOrRemovingTheCache_IsRefused()
    {
        var add = () => CacheConfigReader.RefuseStartupOnlyChange(null, new CacheOptions());
        var remove = () => CacheConfigReader.RefuseStartupOnlyChange(new CacheOptions(), null);

        add.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:Cache").WithMessage("*adding a 'cache' section needs a restart. Restart Collage*");
        remove.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:Cache").WithMessage("*removing the 'cache' section needs a restart. Restart Collage*");
    }
}
