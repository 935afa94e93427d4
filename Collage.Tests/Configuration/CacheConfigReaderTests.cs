using Collage.Proxy.Configuration;
using Collage.Transforms.Caching;
using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Microsoft.Extensions.Configuration;
using static Collage.Tests.Configuration.ConfigSources;

namespace Collage.Tests.Configuration;

/// <summary>
/// The <c>cache</c> section, an upstream's <c>cache</c> and <c>http.rateLimitBackoff</c> as the reader makes them: every
/// key, the defaults, an empty section, and each value it refuses with the key to fix.
/// </summary>
public sealed class CacheConfigReaderTests : IDisposable
{
    private const string Mapping = "\"mappings\": { \"etcd\": \"quay.io/coreos/etcd\", \"lab\": \"http://127.0.0.1:5102/lab\" }";

    private readonly string _directory = Directory.CreateTempSubdirectory("collage-cache-reader-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private CollageOptions ReadFile(string sections) => CollageConfigReader.Read(ConfigSources.File(_directory, $"{{ {Mapping}, {sections} }}"));

    private static CollageOptions ReadMemory(params (string Key, string? Value)[] entries) =>
        CollageConfigReader.Read(InMemory([("Collage:Mappings:etcd", "quay.io/coreos/etcd"), .. entries]));

    [Fact]
    public void Read_NoCacheSection_IsNoCache()
    {
        CollageConfigReader.Read(ConfigSources.File(_directory, $"{{ {Mapping} }}")).Cache.Should().BeNull();
        ReadMemory().Cache.Should().BeNull();
    }

    [Fact]
    public void Read_EmptyCacheSection_EnablesEveryDefault()
    {
        var cache = ReadFile("\"cache\": {}").Cache;

        cache.Should().Be(new CacheOptions());
        cache!.Path.Should().Be(CacheOptions.DefaultPath());
        cache.MaxSize.Should().Be(10L << 30);
        cache.TagTtl.Should().Be(TimeSpan.FromMinutes(5));
        cache.StaleIfError.Should().Be(TimeSpan.FromDays(1));
    }

    [Fact]
    public void Read_EveryKey_IsRead()
    {
        var path = Path.Combine(_directory, "blobs");

        var cache = ReadFile($$"""
            "cache": { "path": "{{path}}", "maxSize": "50GiB", "tagTtl": "00:01:30", "staleIfError": "2.00:00:00" }
            """).Cache;

        cache.Should().Be(new CacheOptions { Path = path, MaxSize = 50L << 30, TagTtl = TimeSpan.FromSeconds(90), StaleIfError = TimeSpan.FromDays(2) });
    }

    [Fact]
    public void Read_KeysInAnyCaseFromMemory_AreRead()
    {
        var cache = ReadMemory(("Collage:cache:MAXSIZE", "512MiB"), ("Collage:CACHE:tagttl", "00:00:10")).Cache;

        cache!.MaxSize.Should().Be(512L << 20);
        cache.TagTtl.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Read_RelativePath_IsMadeAbsoluteFromTheCurrentDirectory()
    {
        var cache = ReadFile("\"cache\": { \"path\": \"var/cache\" }").Cache;

        cache!.Path.Should().Be(Path.Combine(Environment.CurrentDirectory, "var", "cache"));
        Path.IsPathFullyQualified(cache.Path).Should().BeTrue();
    }

    [Fact]
    public void Read_ZeroTtls_AreAccepted()
    {
        var cache = ReadFile("\"cache\": { \"tagTtl\": \"00:00:00\", \"staleIfError\": \"00:00:00\" }").Cache;

        cache!.TagTtl.Should().Be(TimeSpan.Zero, "zero means every tag request is revalidated");
        cache.StaleIfError.Should().Be(TimeSpan.Zero, "zero means nothing stale is served");
    }

    [Fact]
    public void Read_MaxSizeOfExactlyOneMiB_IsAccepted()
    {
        ReadFile("\"cache\": { \"maxSize\": \"1MiB\" }").Cache!.MaxSize.Should().Be(1L << 20);
    }

    [Theory]
    [InlineData("\"cache\": { \"path\": \"\" }", "Collage:cache:Path", "*the cache folder is empty*\"/var/cache/collage\"*")]
    [InlineData("\"cache\": { \"path\": \"  \" }", "Collage:cache:Path", "*the cache folder is empty*")]
    [InlineData("\"cache\": { \"maxSize\": \"512KiB\" }", "Collage:cache:MaxSize", "*'512KiB' is too small. Write at least 1MiB*")]
    [InlineData("\"cache\": { \"maxSize\": \"1048575\" }", "Collage:cache:MaxSize", "*too small. Write at least 1MiB*")]
    [InlineData("\"cache\": { \"maxSize\": \"50GB\" }", "Collage:cache:MaxSize", "*decimal unit 'GB'*write \"50GiB\"*")]
    [InlineData("\"cache\": { \"maxSize\": 0 }", "Collage:cache:MaxSize", "*too small*")]
    [InlineData("\"cache\": { \"maxSize\": \"-1GiB\" }", "Collage:cache:MaxSize", "*is not a size*")]
    [InlineData("\"cache\": { \"maxSize\": \"9000000TiB\" }", "Collage:cache:MaxSize", "*too large*")]
    [InlineData("\"cache\": { \"tagTtl\": \"-00:00:01\" }", "Collage:cache:TagTtl", "*is not a time span of zero or more*")]
    [InlineData("\"cache\": { \"tagTtl\": \"5m\" }", "Collage:cache:TagTtl", "*Write it as hh:mm:ss*")]
    [InlineData("\"cache\": { \"staleIfError\": \"-1.00:00:00\" }", "Collage:cache:StaleIfError", "*is not a time span of zero or more*")]
    [InlineData("\"cache\": { \"maxsise\": \"1GiB\" }", "Collage:cache:maxsise", "*unknown key 'maxsise'. Did you mean 'MaxSize'? Allowed here: Path, MaxSize, TagTtl, StaleIfError, Store, S3, LocalMaxSize, Redis.*")]
    [InlineData("\"cache\": { \"enabled\": true }", "Collage:cache:enabled", "*unknown key 'enabled'*Allowed here: Path, MaxSize, TagTtl, StaleIfError*")]
    [InlineData("\"cache\": \"on\"", "Collage:cache", "*expected an object with Path, MaxSize, TagTtl, StaleIfError, Store, S3, LocalMaxSize, Redis ({} for every default), found the value 'on'*")]
    [InlineData("\"cahce\": {}", "Collage:cahce", "*Did you mean 'Cache'?*")]
    public void Read_BadCacheValue_NamesKeyAndFix(string sections, string key, string message)
    {
        var act = () => ReadFile(sections);

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == key).WithMessage(message);
    }

    [Fact]
    public void Read_UpstreamCache_EveryKeyIsReadAndReachesThePolicy()
    {
        var options = ReadFile("""
            "cache": { "tagTtl": "00:05:00", "staleIfError": "1.00:00:00" },
            "upstreams": {
              "quay.io": { "cache": { "enabled": true, "tagTtl": "00:00:00", "staleIfError": "00:30:00" } },
              "127.0.0.1:5102": { "cache": { "enabled": false } }
            }
            """);

        options.Upstreams["quay.io"].Cache.Should().Be(new UpstreamCacheOptions { Enabled = true, TagTtl = TimeSpan.Zero, StaleIfError = TimeSpan.FromMinutes(30) });
        options.Upstreams["127.0.0.1:5102"].Cache.Should().Be(new UpstreamCacheOptions { Enabled = false });
        var table = MountTableBuilder.Build(options);
        table.CacheFor(table.Upstreams.Single(u => u.Authority == "quay.io")).Should().Be(new CachePolicy(TimeSpan.Zero, TimeSpan.FromMinutes(30)));
        table.CacheFor(table.Upstreams.Single(u => u.Authority == "127.0.0.1:5102")).Should().BeNull();
    }

    [Fact]
    public void Read_UpstreamCacheEmptyOrAbsent_TakesTheCachesSettings()
    {
        var options = ReadFile("""
            "cache": { "tagTtl": "00:02:00" },
            "upstreams": { "quay.io": { "cache": {} }, "127.0.0.1:5102": { "insecureSkipVerify": true } }
            """);

        options.Upstreams["quay.io"].Cache.Should().Be(new UpstreamCacheOptions());
        options.Upstreams["127.0.0.1:5102"].Cache.Should().BeNull();
        var table = MountTableBuilder.Build(options);
        table.Upstreams.Select(table.CacheFor).Should().AllBeEquivalentTo(new CachePolicy(TimeSpan.FromMinutes(2), TimeSpan.FromDays(1)));
    }

    [Theory]
    [InlineData("{ \"enabled\": \"no\" }", "Collage:Upstreams:quay.io:cache:Enabled", "*'no' is not a boolean*")]
    [InlineData("{ \"tagTtl\": \"-00:00:01\" }", "Collage:Upstreams:quay.io:cache:TagTtl", "*is not a time span of zero or more*")]
    [InlineData("{ \"staleIfError\": \"never\" }", "Collage:Upstreams:quay.io:cache:StaleIfError", "*hh:mm:ss*")]
    [InlineData("{ \"enable\": false }", "Collage:Upstreams:quay.io:cache:enable", "*Did you mean 'Enabled'? Allowed here: Enabled, TagTtl, StaleIfError.*")]
    [InlineData("{ \"maxSize\": \"1GiB\" }", "Collage:Upstreams:quay.io:cache:maxSize", "*Allowed here: Enabled, TagTtl, StaleIfError*")]
    [InlineData("false", "Collage:Upstreams:quay.io:cache", "*found the value 'False'*{ \"enabled\": false }*")]
    public void Read_BadUpstreamCacheValue_NamesKeyAndFix(string value, string key, string message)
    {
        var act = () => ReadFile($"\"cache\": {{}}, \"upstreams\": {{ \"quay.io\": {{ \"cache\": {value} }} }}");

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == key).WithMessage(message);
    }

    [Fact]
    public void Read_UpstreamCacheWithoutCacheSection_IsRefusedRatherThanIgnored()
    {
        var act = () => ReadFile("\"upstreams\": { \"127.0.0.1:5102\": { \"cache\": { \"enabled\": false } } }");

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "Collage:Upstreams:127.0.0.1:5102:cache")
            .WithMessage("*there is no 'cache' section*Add a \"cache\": {} section*or remove this one*");
    }

    [Fact]
    public void Read_UpstreamCacheTypo_SuggestsCache()
    {
        var act = () => ReadFile("\"cache\": {}, \"upstreams\": { \"quay.io\": { \"cach\": {} } }");

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:Upstreams:quay.io:cach").WithMessage("*Did you mean 'Cache'?*");
    }

    [Fact]
    public void Read_RateLimitBackoff_IsReadAndDefaultsToAMinute()
    {
        ReadFile("\"http\": { \"rateLimitBackoff\": \"00:02:00\" }").Http.RateLimitBackoff.Should().Be(TimeSpan.FromMinutes(2));
        ReadMemory().Http.RateLimitBackoff.Should().Be(TimeSpan.FromSeconds(60));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:05")]
    [InlineData("a while")]
    public void Read_RateLimitBackoffNotPositive_NamesKey(string value)
    {
        var act = () => ReadFile($"\"http\": {{ \"rateLimitBackoff\": \"{value}\" }}");

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:Http:RateLimitBackoff").WithMessage("*is not a positive time span*");
    }
}
