using Collage.Proxy.Configuration;
using Collage.Transforms.Configuration;

namespace Collage.Tests.Configuration;

/// <summary>
/// The scale-out keys of the <c>cache</c> section (<c>store</c>, <c>s3</c>, <c>localMaxSize</c>, <c>redis</c>) as the
/// reader makes them: every key, the defaults, and each value it refuses with the key to fix and how.
/// </summary>
public sealed class SharedCacheConfigReaderTests : IDisposable
{
    private const string Mapping = "\"mappings\": { \"etcd\": \"quay.io/coreos/etcd\" }";

    private readonly string _directory = Directory.CreateTempSubdirectory("collage-shared-cache-reader-").FullName;

    public SharedCacheConfigReaderTests()
    {
        SecretFile = Path.Combine(_directory, "secretAccessKey");
        RedisFile = Path.Combine(_directory, "redis-configuration");
        File.WriteAllText(SecretFile, "s3-secret-not-for-messages");
        File.WriteAllText(RedisFile, "redis.corp.lan:6380,password=redis-secret-not-for-messages,ssl=true");
    }

    private string SecretFile { get; }

    private string RedisFile { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private CacheOptions Read(string cache) =>
        CollageConfigReader.Read(ConfigSources.File(_directory, $"{{ {Mapping}, \"cache\": {cache} }}")).Cache!;

    [Fact]
    public void Read_EverySharedKey_IsRead()
    {
        var cache = Read($$"""
            {
              "maxSize": "200GiB", "store": "s3", "localMaxSize": "20GiB",
              "s3": {
                "bucket": "collage-cache", "prefix": "fleet-a", "endpoint": "http://127.0.0.1:9000", "region": "eu-central-1",
                "pathStyle": true, "accessKeyId": "AKIDEXAMPLE", "secretAccessKeyFile": "{{SecretFile}}",
                "disablePayloadSigning": true, "checksumsWhenRequired": true, "redirectHits": true,
                "presignedUrlLifetime": "00:05:00", "multipartThreshold": "128MiB", "partSize": "8MiB", "requestTimeout": "00:00:30"
              },
              "redis": {
                "configurationFile": "{{RedisFile}}", "keyPrefix": "fleet-a:", "leaseTime": "00:00:30", "operationTimeout": "00:00:02",
                "followers": "wait", "advertiseUrl": "http://10.1.2.3:5000"
              }
            }
            """);

        cache.Should().Be(new CacheOptions
        {
            MaxSize = 200L << 30,
            Store = CacheStore.S3,
            LocalMaxSize = 20L << 30,
            S3 = new S3StoreOptions
            {
                Bucket = "collage-cache",
                Prefix = "fleet-a/",
                Endpoint = new Uri("http://127.0.0.1:9000"),
                Region = "eu-central-1",
                PathStyle = true,
                AccessKeyId = "AKIDEXAMPLE",
                SecretAccessKeyFile = SecretFile,
                DisablePayloadSigning = true,
                ChecksumsWhenRequired = true,
                RedirectHits = true,
                PresignedUrlLifetime = TimeSpan.FromMinutes(5),
                MultipartThreshold = 128L << 20,
                PartSize = 8L << 20,
                RequestTimeout = TimeSpan.FromSeconds(30),
            },
            Redis = new RedisOptions
            {
                ConfigurationFile = RedisFile,
                KeyPrefix = "fleet-a:",
                LeaseTime = TimeSpan.FromSeconds(30),
                OperationTimeout = TimeSpan.FromSeconds(2),
                Followers = FleetFollowers.Wait,
                AdvertiseUrl = new Uri("http://10.1.2.3:5000"),
            },
        });
    }

    [Fact]
    public void Read_NoSharedKeys_IsTheFilesystemStoreWithoutRedis()
    {
        var cache = Read("{}");

        cache.Store.Should().Be(CacheStore.Filesystem);
        cache.S3.Should().BeNull();
        cache.Redis.Should().BeNull();
        cache.LocalMaxSize.Should().Be(10L << 30);
    }

    [Fact]
    public void Read_BucketOnlyAndInlineRedis_TakeEveryDefault()
    {
        var cache = Read("""{ "store": "s3", "s3": { "bucket": "collage" }, "redis": { "configuration": "127.0.0.1:6379" } }""");

        cache.Store.Should().Be(CacheStore.S3);
        cache.LocalMaxSize.Should().Be(10L << 30);
        cache.S3.Should().Be(new S3StoreOptions { Bucket = "collage" });
        cache.S3!.Prefix.Should().BeEmpty();
        cache.S3.Endpoint.Should().BeNull("null is AWS itself");
        cache.S3.Region.Should().Be("us-east-1");
        cache.S3.PathStyle.Should().BeFalse();
        cache.S3.AccessKeyId.Should().BeNull("null is the SDK's standard credential chain");
        cache.S3.SecretAccessKeyFile.Should().BeNull();
        cache.S3.DisablePayloadSigning.Should().BeFalse();
        cache.S3.ChecksumsWhenRequired.Should().BeFalse();
        cache.S3.RedirectHits.Should().BeFalse();
        cache.S3.PresignedUrlLifetime.Should().Be(TimeSpan.FromMinutes(20));
        cache.S3.MultipartThreshold.Should().Be(64L << 20);
        cache.S3.PartSize.Should().Be(16L << 20);
        cache.S3.RequestTimeout.Should().Be(TimeSpan.FromSeconds(10));
        cache.Redis.Should().Be(new RedisOptions { Configuration = "127.0.0.1:6379" });
        cache.Redis!.KeyPrefix.Should().Be("collage:");
        cache.Redis.LeaseTime.Should().Be(TimeSpan.FromSeconds(15));
        cache.Redis.OperationTimeout.Should().Be(TimeSpan.FromSeconds(1));
        cache.Redis.Followers.Should().Be(FleetFollowers.Stream);
        cache.Redis.AdvertiseUrl.Should().BeNull("without one, followers wait for the shared store");
    }

    [Theory]
    [InlineData("filesystem", CacheStore.Filesystem)]
    [InlineData("FileSystem", CacheStore.Filesystem)]
    [InlineData("S3", CacheStore.S3)]
    public void Read_StoreInAnyCase_IsRead(string store, CacheStore expected)
    {
        var s3 = expected == CacheStore.S3 ? ", \"s3\": { \"bucket\": \"b\" }" : "";

        Read($"{{ \"store\": \"{store}\"{s3} }}").Store.Should().Be(expected);
    }

    [Theory]
    [InlineData("cache/", "cache/")]
    [InlineData("a/b", "a/b/")]
    [InlineData("", "")]
    public void Read_Prefix_EndsWithASlashUnlessEmpty(string prefix, string expected)
    {
        Read($"{{ \"store\": \"s3\", \"s3\": {{ \"bucket\": \"b\", \"prefix\": \"{prefix}\" }} }}").S3!.Prefix.Should().Be(expected);
    }

    [Fact]
    public void Read_RelativeSecretFile_IsMadeAbsoluteFromTheCurrentDirectory()
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, SecretFile);

        var s3 = Read($$"""{ "store": "s3", "s3": { "bucket": "b", "accessKeyId": "AKID", "secretAccessKeyFile": "{{relative}}" } }""").S3!;

        s3.SecretAccessKeyFile.Should().Be(SecretFile);
    }

    [Theory]
    [InlineData("""{ "store": "nfs" }""", "Collage:cache:Store", "*'nfs' is not a store. Write \"filesystem\"*or \"s3\"*")]
    [InlineData("""{ "store": "s3" }""", "Collage:cache:S3", "*cache.store is \"s3\" but there is no cache.s3 section. Add one with at least a \"bucket\"*")]
    [InlineData("""{ "s3": { "bucket": "b" } }""", "Collage:cache:Store", "*there is a cache.s3 section but cache.store is not \"s3\"*Write \"store\": \"s3\" or remove the s3 section*")]
    [InlineData("""{ "store": "filesystem", "s3": { "bucket": "b" } }""", "Collage:cache:Store", "*cache.store is not \"s3\"*")]
    [InlineData("""{ "store": "s3", "s3": "collage" }""", "Collage:cache:S3", "*expected an object with at least \"bucket\", found a value*")]
    [InlineData("""{ "store": "s3", "s3": { "prefix": "cache/" } }""", "Collage:cache:S3:Bucket", "*the S3 store needs a bucket. Write the bucket's name*")]
    [InlineData("""{ "store": "s3", "s3": { "bucket": "" } }""", "Collage:cache:S3:Bucket", "*needs a bucket*")]
    [InlineData("""{ "store": "s3", "s3": { "bucket": "b", "accessKeyId": "AKID" } }""", "Collage:cache:S3:SecretAccessKeyFile", "*accessKeyId and secretAccessKeyFile go together. Set both, or neither*standard credential chain*")]
    [InlineData("""{ "store": "s3", "s3": { "bucket": "b", "endpoint": "ftp://s3.corp.lan" } }""", "Collage:cache:S3:Endpoint", "*absolute http(s) URL without credentials, e.g. \"https://s3.corp.lan\"*")]
    [InlineData("""{ "store": "s3", "s3": { "bucket": "b", "endpoint": "s3.corp.lan:9000" } }""", "Collage:cache:S3:Endpoint", "*absolute http(s) URL*")]
    [InlineData("""{ "store": "s3", "s3": { "bucket": "b", "endpoint": "/relative" } }""", "Collage:cache:S3:Endpoint", "*absolute http(s) URL*")]
    [InlineData("""{ "store": "s3", "s3": { "bucket": "b", "prefix": "/cache/" } }""", "Collage:cache:S3:Prefix", "*'/cache/' is not a key prefix. Write one like \"cache/\" (no leading slash, no '..')*")]
    [InlineData("""{ "store": "s3", "s3": { "bucket": "b", "prefix": "a/../b" } }""", "Collage:cache:S3:Prefix", "*is not a key prefix*")]
    [InlineData("""{ "store": "s3", "s3": { "bucket": "b", "prefix": ".." } }""", "Collage:cache:S3:Prefix", "*is not a key prefix*")]
    [InlineData("""{ "store": "s3", "s3": { "bucket": "b", "partSize": "4MiB" } }""", "Collage:cache:S3:PartSize", "*'4MiB' is too small. Write at least 5MiB*")]
    [InlineData("""{ "store": "s3", "s3": { "bucket": "b", "partSize": "5242879" } }""", "Collage:cache:S3:PartSize", "*too small*")]
    [InlineData("""{ "store": "s3", "s3": { "bucket": "b", "partSize": "8MiB", "multipartThreshold": "4MiB" } }""", "Collage:cache:S3:MultipartThreshold", "*too small. Write at least 8MiB*")]
    [InlineData("""{ "store": "s3", "s3": { "bucket": "b", "pathStyle": "yes" } }""", "Collage:cache:S3:PathStyle", "*'yes' is not a boolean*")]
    [InlineData("""{ "store": "s3", "s3": { "bucket": "b", "requestTimeout": "10s" } }""", "Collage:cache:S3:RequestTimeout", "*hh:mm:ss*")]
    [InlineData("""{ "store": "s3", "s3": { "bucket": "b", "buckt": "c" } }""", "Collage:cache:S3:buckt", "*unknown key 'buckt'. Did you mean 'Bucket'? Allowed here: Bucket, Prefix, Endpoint, Region, PathStyle, AccessKeyId, SecretAccessKeyFile, *RequestTimeout*")]
    [InlineData("""{ "store": "s3", "s3": { "bucket": "b", "secretAccessKey": "x" } }""", "Collage:cache:S3:secretAccessKey", "*unknown key 'secretAccessKey'.*Allowed here:*SecretAccessKeyFile*")]
    [InlineData("""{ "localMaxSize": "512KiB" }""", "Collage:cache:LocalMaxSize", "*'512KiB' is too small. Write at least 1MiB*")]
    [InlineData("""{ "localMaxSize": "20GB" }""", "Collage:cache:LocalMaxSize", "*decimal unit 'GB'*write \"20GiB\"*")]
    [InlineData("""{ "redis": "127.0.0.1:6379" }""", "Collage:cache:Redis", "*expected an object with \"configuration\"*or \"configurationFile\", found a value*")]
    [InlineData("""{ "redis": {} }""", "Collage:cache:Redis:Configuration", "*set exactly one of configuration*")]
    [InlineData("""{ "store": "s3", "s3": {} }""", "Collage:cache:S3:Bucket", "*needs a bucket*")]
    [InlineData("""{ "s3": {} }""", "Collage:cache:Store", "*there is a cache.s3 section but cache.store is not \"s3\"*")]
    [InlineData("""{ "redis": { "keyPrefix": "fleet:" } }""", "Collage:cache:Redis:Configuration", "*set exactly one of configuration (e.g. \"redis.corp.lan:6379\") and configurationFile*")]
    [InlineData("""{ "redis": { "configuration": "127.0.0.1:6379", "leaseTime": "00:00:00.500" } }""", "Collage:cache:Redis:LeaseTime", "*shorter than 1 s would expire between its renewals. Write at least \"00:00:01\"*")]
    [InlineData("""{ "redis": { "configuration": "127.0.0.1:6379", "leaseTime": "00:00:00" } }""", "Collage:cache:Redis:LeaseTime", "*is not a positive time span*")]
    [InlineData("""{ "redis": { "configuration": "127.0.0.1:6379", "operationTimeout": "-00:00:01" } }""", "Collage:cache:Redis:OperationTimeout", "*is not a positive time span*")]
    [InlineData("""{ "redis": { "configuraton": "127.0.0.1:6379" } }""", "Collage:cache:Redis:configuraton", "*unknown key 'configuraton'. Did you mean 'Configuration'? Allowed here: Configuration, ConfigurationFile, KeyPrefix, LeaseTime, OperationTimeout*")]
    [InlineData("""{ "redis": { "configuration": "127.0.0.1:6379", "password": "x" } }""", "Collage:cache:Redis:password", "*unknown key 'password'.*Allowed here: Configuration, ConfigurationFile*")]
    [InlineData("""{ "redis": { "configuration": "127.0.0.1:6379", "followers": "poll" } }""", "Collage:cache:Redis:Followers", "*'poll' is not a way to follow another replica's fetch. Write \"stream\"*or \"wait\"*")]
    [InlineData("""{ "redis": { "configuration": "127.0.0.1:6379", "advertiseUrl": "10.1.2.3:5000" } }""", "Collage:cache:Redis:AdvertiseUrl", "*absolute http(s) URL without credentials*")]
    [InlineData("""{ "redis": { "configuration": "127.0.0.1:6379", "advertiseUrl": "http://u:p@10.1.2.3:5000" } }""", "Collage:cache:Redis:AdvertiseUrl", "*without credentials*")]
    [InlineData("""{ "stor": "s3" }""", "Collage:cache:stor", "*unknown key 'stor'. Did you mean 'Store'?*")]
    [InlineData("""{ "redsi": {} }""", "Collage:cache:redsi", "*Did you mean 'Redis'?*")]
    public void Read_BadSharedValue_NamesKeyAndFix(string cache, string key, string message)
    {
        var act = () => Read(cache);

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == key).WithMessage(message);
    }

    [Fact]
    public void Read_SecretFileWithoutAccessKeyId_NamesAccessKeyId()
    {
        var act = () => Read($$"""{ "store": "s3", "s3": { "bucket": "b", "secretAccessKeyFile": "{{SecretFile}}" } }""");

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:cache:S3:AccessKeyId").WithMessage("*accessKeyId and secretAccessKeyFile go together*");
    }

    [Fact]
    public void Read_RedisWithBothConfigurationAndFile_IsRefused()
    {
        var act = () => Read($$"""{ "redis": { "configuration": "127.0.0.1:6379", "configurationFile": "{{RedisFile}}" } }""");

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:cache:Redis:Configuration").WithMessage("*set exactly one of configuration*and configurationFile*");
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("folder")]
    public void Read_UnreadableSecretFiles_NameTheirKeyAndThePath(string kind)
    {
        var path = Path.Combine(_directory, kind);
        if (kind == "folder")
        {
            Directory.CreateDirectory(path);
        }

        var s3 = () => Read($$"""{ "store": "s3", "s3": { "bucket": "b", "accessKeyId": "AKID", "secretAccessKeyFile": "{{path}}" } }""");
        var redis = () => Read($$"""{ "redis": { "configurationFile": "{{path}}" } }""");

        s3.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:cache:S3:SecretAccessKeyFile")
            .WithMessage($"*the file '{path}' cannot be read*Point SecretAccessKeyFile at a file Collage may read (a mounted Secret)*");
        redis.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:cache:Redis:ConfigurationFile")
            .WithMessage($"*the file '{path}' cannot be read*Point ConfigurationFile at a file*");
    }

    [Fact]
    public void Read_EndpointWithCredentials_IsRefusedWithoutRepeatingThem()
    {
        var act = () => Read("""{ "store": "s3", "s3": { "bucket": "b", "endpoint": "https://AKIDLEAK:endpoint-secret-not-for-messages@s3.corp.lan" } }""");

        var error = act.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:cache:S3:Endpoint").WithMessage("*without credentials*").Which;
        error.ToString().Should().NotContain("endpoint-secret-not-for-messages").And.NotContain("AKIDLEAK");
    }
}
