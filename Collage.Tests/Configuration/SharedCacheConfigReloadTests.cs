using Collage.Proxy.Configuration;
using Collage.Proxy.Hosting;
using Collage.Tests.Functional.Infrastructure;
using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Collage.Tests.Configuration;

/// <summary>
/// The scale-out keys apply at start-up only (the shared store, its clients and the fleet's subscriptions are built
/// once), so a reload that changes them is refused; and no refusal of them repeats a secret.
/// </summary>
public sealed class SharedCacheConfigReloadTests : IDisposable
{
    private const string S3Secret = "s3-secret-VALUE-7f3a91";
    private const string RedisSecret = "redis-secret-VALUE-c4e8d2";

    private readonly string _directory = Directory.CreateTempSubdirectory("collage-shared-cache-reload-").FullName;

    public SharedCacheConfigReloadTests()
    {
        SecretFile = Path.Combine(_directory, "secretAccessKey");
        RedisFile = Path.Combine(_directory, "configuration");
        File.WriteAllText(SecretFile, S3Secret);
        File.WriteAllText(RedisFile, $"redis.corp.lan:6380,password={RedisSecret}");
    }

    private string SecretFile { get; }

    private string RedisFile { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Fleet(string s3 = "", string redis = "", string localMaxSize = "20GiB") => $$"""
        {
          "store": "s3", "localMaxSize": "{{localMaxSize}}",
          "s3": { "bucket": "collage", "prefix": "fleet/", "accessKeyId": "AKID", "secretAccessKeyFile": "{{SecretFile}}"{{s3}} },
          "redis": { "configurationFile": "{{RedisFile}}"{{redis}} }
        }
        """;

    private CacheOptions? Read(string cache) =>
        CollageConfigReader.Read(ConfigSources.File(_directory, $"{{ \"mappings\": {{ \"etcd\": \"quay.io/coreos/etcd\" }}, \"cache\": {cache} }}")).Cache;

    [Fact]
    public void RefuseStartupOnlyChange_SameSharedSettingsReadTwice_IsAllowed()
    {
        var running = Read(Fleet());
        var next = Read(Fleet().Replace("\"store\": \"s3\",", "\"store\": \"s3\", \"tagTtl\": \"00:00:10\",", StringComparison.Ordinal));

        next!.TagTtl.Should().Be(TimeSpan.FromSeconds(10), "the edit must have been read for this to test anything");
        CacheConfigReader.RefuseStartupOnlyChange(running, next);
    }

    [Theory]
    [InlineData(", \"region\": \"eu-west-1\"", "", "20GiB", "Collage:Cache:S3")]
    [InlineData(", \"endpoint\": \"http://127.0.0.1:9000\"", "", "20GiB", "Collage:Cache:S3")]
    [InlineData(", \"redirectHits\": true", "", "20GiB", "Collage:Cache:S3")]
    [InlineData("", ", \"leaseTime\": \"00:00:30\"", "20GiB", "Collage:Cache:Redis")]
    [InlineData("", ", \"keyPrefix\": \"other:\"", "20GiB", "Collage:Cache:Redis")]
    [InlineData("", "", "30GiB", "Collage:Cache:LocalMaxSize")]
    public void RefuseStartupOnlyChange_SharedSettingChanged_IsRefusedNamingIt(string s3, string redis, string localMaxSize, string key)
    {
        var running = Read(Fleet());
        var next = Read(Fleet(s3, redis, localMaxSize));

        var act = () => CacheConfigReader.RefuseStartupOnlyChange(running, next);

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == key)
            .WithMessage("*store, s3, localMaxSize and redis apply at start-up only. Restart Collage to apply this change; none of it was applied.*");
    }

    [Fact]
    public void RefuseStartupOnlyChange_StoreOrRedisAddedOrRemoved_IsRefusedNamingIt()
    {
        var filesystem = Read("{}");
        var fleet = Read(Fleet());
        var s3Only = Read("""{ "store": "s3", "localMaxSize": "20GiB", "s3": { "bucket": "collage" } }""");

        var toS3 = () => CacheConfigReader.RefuseStartupOnlyChange(filesystem, s3Only! with { LocalMaxSize = filesystem!.LocalMaxSize });
        var back = () => CacheConfigReader.RefuseStartupOnlyChange(fleet, filesystem);
        var dropRedis = () => CacheConfigReader.RefuseStartupOnlyChange(fleet, fleet! with { Redis = null });

        toS3.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:Cache:Store");
        back.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:Cache:Store");
        dropRedis.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:Cache:Redis");
    }

    [Theory]
    [InlineData("Collage:Cache:LocalMaxSize", "3GiB")]
    [InlineData("Collage:Cache:Redis:Configuration", "127.0.0.1:1")]
    public async Task Reload_SharedSettingOnARunningFilesystemCache_IsRefusedAndNothingApplies(string key, string value)
    {
        var logs = new LogCollector();
        var app = CollageApp.Build(
            ["--port", "0", "--bind", "127.0.0.1", "--Collage:Mappings:etcd", "http://127.0.0.1:5999/coreos/etcd"],
            builder => builder.Logging.AddProvider(logs));
        try
        {
            var before = app.Services.GetRequiredService<MountTableProvider>().Current;
            before.Cache.Should().NotBeNull("the embedded default has a cache");

            app.Configuration[key] = value;
            app.Configuration["Collage:Cache:TagTtl"] = "00:00:07";
            app.Services.GetServices<IHostedService>().OfType<ConfigurationReloader>().Single().Reload();

            app.Services.GetRequiredService<MountTableProvider>().Current.Should().BeSameAs(before, "a change applies whole or not at all");
            var changed = key["Collage:Cache:".Length..].Split(':')[0];
            logs.All.Should().Contain($"Configuration change rejected at 'Collage:Cache:{changed}'").And.Contain("apply at start-up only. Restart Collage");
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(", \"partSize\": \"1MiB\"", "")]
    [InlineData(", \"endpoint\": \"ftp://s3.corp.lan\"", "")]
    [InlineData(", \"presignedUrlLifetime\": \"soon\"", "")]
    [InlineData(", \"secretAccessKey\": \"s3-secret-VALUE-7f3a91\"", "")]
    [InlineData("", ", \"configuration\": \"redis.corp.lan:6380,password=redis-secret-VALUE-c4e8d2\"")]
    [InlineData("", ", \"leaseTime\": \"00:00:00.100\"")]
    [InlineData("", ", \"password\": \"redis-secret-VALUE-c4e8d2\"")]
    public void Read_RefusalNextToSecrets_NeverRepeatsThem(string s3, string redis)
    {
        var act = () => Read(Fleet(s3, redis));

        var error = act.Should().Throw<CollageConfigException>().Which;
        error.ToString().Should().NotContain(S3Secret).And.NotContain(RedisSecret);
    }

    [Fact]
    public void Read_RedisWrittenAsAStringWithAPassword_IsRefusedWithoutRepeatingIt()
    {
        var act = () => Read($$"""{ "redis": "redis.corp.lan:6380,password={{RedisSecret}}" }""");

        var error = act.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:cache:Redis").Which;
        error.ToString().Should().NotContain(RedisSecret);
    }

    [Fact]
    public void Read_AcceptedSecrets_AreKeptAsPathsNotValues()
    {
        var cache = Read(Fleet())!;

        cache.S3!.SecretAccessKeyFile.Should().Be(SecretFile);
        cache.Redis!.ConfigurationFile.Should().Be(RedisFile);
        cache.ToString().Should().NotContain(S3Secret).And.NotContain(RedisSecret, "the reader checks the files are readable; their contents are for the clients alone");
    }

    [Fact]
    public void RefuseStartupOnlyChange_OfSecretFiles_NeverRepeatsThem()
    {
        var running = Read(Fleet());
        var other = Path.Combine(_directory, "rotated");
        File.WriteAllText(other, S3Secret + "-rotated");
        var next = running! with { S3 = running.S3! with { SecretAccessKeyFile = other } };

        var act = () => CacheConfigReader.RefuseStartupOnlyChange(running, next);

        var error = act.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:Cache:S3").Which;
        error.ToString().Should().NotContain(S3Secret);
    }
}
