using Collage.Proxy.Configuration;
using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using static Collage.Tests.Configuration.ConfigSources;

namespace Collage.Tests.Configuration;

/// <summary>
/// What the reader makes of a configuration, from a file, memory, the environment or appsettings: every section, keys
/// that carry a port, empty entries, any casing, and the documented defaults.
/// </summary>
public sealed class CollageConfigReaderTests : IDisposable
{
    private const string OriginalFile = """
        {
          "mappings": { "cool/stuff": "index.docker.io/flavio", "etcd": "quay.io/coreos/etcd",
                        "foobar": "http://insecure-registry.local.lan/foo", "hub": "registry-1.docker.io",
                        "local": "http://127.0.0.1:5102/lab" },
          "vhosts": {
            "docker-io-mirror.local.lan": { "mappings": { "/": "mirror.local.lan/docker.io" } },
            "127.0.0.2:5000": { "mappings": { "/": "http://127.0.0.1:5102" } },
            "127.0.0.2": { "mappings": { "any": "http://127.0.0.1:5103/any" } }
          },
          "upstreams": {
            "127.0.0.1:5102": { "caFile": "/etc/collage/lab.pem", "insecureSkipVerify": true },
            "quay.io": { "caFile": "/etc/collage/quay.pem" },
            "index.docker.io": { "insecureSkipVerify": false }
          }
        }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("collage-reader-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private IConfiguration File(string json) => ConfigSources.File(_directory, json);

    /// <summary>Environment variables with a per-test prefix, so parallel tests do not meet.</summary>
    private static IConfiguration Environment(params (string Name, string Value)[] variables)
    {
        var prefix = $"COLLAGETEST{Guid.NewGuid():N}_";
        foreach (var (name, value) in variables)
        {
            System.Environment.SetEnvironmentVariable(prefix + name, value);
        }

        try
        {
            return new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
        }
        finally
        {
            foreach (var (name, _) in variables)
            {
                System.Environment.SetEnvironmentVariable(prefix + name, null);
            }
        }
    }

    private static void AssertPortKeys(CollageOptions options)
    {
        options.Vhosts.Keys.Should().Contain("127.0.0.2:5000");
        options.Vhosts["127.0.0.2:5000"].Mappings.Should().Contain("/", "http://127.0.0.1:5102");
        options.Upstreams.Keys.Should().Contain("127.0.0.1:5102");
        options.Upstreams["127.0.0.1:5102"].CaFile.Should().Be("/etc/collage/lab.pem");
        options.Upstreams["127.0.0.1:5102"].InsecureSkipVerify.Should().BeTrue();

        var table = MountTableBuilder.Build(options);
        table.Select(new HostString("127.0.0.2:5000"), registryHost: null, out _).Resolve("x")!.Value.Upstream.Authority.Should().Be("127.0.0.1:5102");
        table.Select(new HostString("127.0.0.2:5001"), registryHost: null, out _).Name.Should().NotBe("127.0.0.2:5000");
        table.UpstreamOptions["127.0.0.1:5102"].CaFile.Should().Be("/etc/collage/lab.pem");
    }

    [Fact]
    public void Read_OriginalFile_ReadsEverySection()
    {
        var options = CollageConfigReader.Read(File(OriginalFile));

        options.Mappings.Should().HaveCount(5).And.Contain("cool/stuff", "index.docker.io/flavio").And.Contain("local", "http://127.0.0.1:5102/lab");
        options.Vhosts.Keys.Should().BeEquivalentTo("docker-io-mirror.local.lan", "127.0.0.2:5000", "127.0.0.2");
        options.Vhosts["docker-io-mirror.local.lan"].Mappings.Should().Equal(new Dictionary<string, MappingOptions> { ["/"] = "mirror.local.lan/docker.io" });
        options.Vhosts["127.0.0.2"].Mappings.Should().Contain("any", "http://127.0.0.1:5103/any");
        options.Upstreams.Keys.Should().BeEquivalentTo("127.0.0.1:5102", "quay.io", "index.docker.io");
        options.Upstreams["quay.io"].Should().Be(new UpstreamOptions { CaFile = "/etc/collage/quay.pem" });
        AssertPortKeys(options);

        var table = MountTableBuilder.Build(options);
        table.Select(new HostString("127.0.0.2:5001"), registryHost: null, out _).Name.Should().Be("127.0.0.2");
        table.Select(new HostString("127.0.0.2"), registryHost: null, out _).Resolve("any/x")!.Value.Upstream.Authority.Should().Be("127.0.0.1:5103");
        table.UpstreamOptions.Keys.Should().Contain("registry-1.docker.io");
    }

    [Fact]
    public void Read_InMemoryWithPortKeys_JoinsPortBackToHost()
    {
        var options = CollageConfigReader.Read(InMemory(
            ("Collage:Mappings:etcd", "quay.io/coreos/etcd"),
            ("Collage:Mappings:local", "http://127.0.0.1:5102/lab"),
            ("Collage:Vhosts:127.0.0.2:5000:Mappings:/", "http://127.0.0.1:5102"),
            ("Collage:Upstreams:127.0.0.1:5102:CaFile", "/etc/collage/lab.pem"),
            ("Collage:Upstreams:127.0.0.1:5102:InsecureSkipVerify", "true")));

        AssertPortKeys(options);
        options.Vhosts.Should().ContainSingle();
        options.Upstreams.Should().ContainSingle();
    }

    [Fact]
    public void Read_EnvironmentVariablesWithPortKeys_JoinsPortBackToHost()
    {
        var options = CollageConfigReader.Read(Environment(
            ("Collage__Mappings__local", "http://127.0.0.1:5102/lab"),
            ("Collage__Vhosts__127.0.0.2:5000__Mappings__/", "http://127.0.0.1:5102"),
            ("Collage__Upstreams__127.0.0.1:5102__CaFile", "/etc/collage/lab.pem"),
            ("COLLAGE__UPSTREAMS__127.0.0.1:5102__INSECURESKIPVERIFY", "True")));

        AssertPortKeys(options);
    }

    [Fact]
    public void Read_AppsettingsSpelling_JoinsPortBackToHost()
    {
        var json = "{ \"Collage\": " + OriginalFile + " }";
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();

        AssertPortKeys(CollageConfigReader.Read(configuration));
    }

    [Fact]
    public void Read_HostWithAndWithoutPort_AreTwoVhosts()
    {
        var options = CollageConfigReader.Read(InMemory(
            ("Collage:Vhosts:127.0.0.2:Mappings:/", "quay.io"),
            ("Collage:Vhosts:127.0.0.2:5000:Mappings:/", "ghcr.io"),
            ("Collage:Vhosts:127.0.0.2:5001:Mappings:/", "gcr.io")));

        options.Vhosts.Keys.Should().BeEquivalentTo("127.0.0.2", "127.0.0.2:5000", "127.0.0.2:5001");
        var table = MountTableBuilder.Build(options);
        table.Select(new HostString("127.0.0.2:5000"), registryHost: null, out _).Resolve("x")!.Value.Upstream.Authority.Should().Be("ghcr.io");
        table.Select(new HostString("127.0.0.2:5001"), registryHost: null, out _).Resolve("x")!.Value.Upstream.Authority.Should().Be("gcr.io");
        table.Select(new HostString("127.0.0.2:5002"), registryHost: null, out _).Resolve("x")!.Value.Upstream.Authority.Should().Be("quay.io");
    }

    [Theory]
    [InlineData("{ \"mappings\": { \"etcd\": \"quay.io/coreos/etcd\", \"l\": \"127.0.0.1:5102\" }, \"upstreams\": { \"127.0.0.1:5102\": {} } }")]
    [InlineData("{ \"mappings\": { \"etcd\": \"quay.io/coreos/etcd\", \"l\": \"localhost:5102\" }, \"upstreams\": { \"localhost:5102\": {} } }")]
    [InlineData("{ \"mappings\": { \"etcd\": \"quay.io/coreos/etcd\" }, \"upstreams\": { \"quay.io\": {} } }")]
    public void Read_EmptyUpstreamEntry_IsEntryWithDefaults(string json)
    {
        var options = CollageConfigReader.Read(File(json));

        options.Upstreams.Should().ContainSingle().Which.Value.Should().Be(new UpstreamOptions());
        MountTableBuilder.Build(options).UpstreamOptions.Should().ContainSingle();
    }

    [Theory]
    [InlineData("unused.example")]
    [InlineData("127.0.0.1:5199")]
    public void Read_EmptyUnusedUpstreamEntry_IsRejectedByBuilder(string key)
    {
        var options = CollageConfigReader.Read(File($"{{ \"mappings\": {{ \"etcd\": \"quay.io/coreos/etcd\" }}, \"upstreams\": {{ \"{key}\": {{}} }} }}"));

        var act = () => MountTableBuilder.Build(options);

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == $"upstreams:{key}").WithMessage("*no mapping uses*");
    }

    [Theory]
    [InlineData("closed.lan")]
    [InlineData("127.0.0.2:5000")]
    public void Read_EmptyVhostEntry_IsVhostWithoutMappings(string key)
    {
        var options = CollageConfigReader.Read(File($"{{ \"mappings\": {{ \"etcd\": \"quay.io/coreos/etcd\" }}, \"vhosts\": {{ \"{key}\": {{}} }} }}"));

        options.Vhosts.Should().ContainSingle().Which.Key.Should().Be(key);
        MountTableBuilder.Build(options).Select(new HostString(key), registryHost: null, out _).Resolve("etcd").Should().BeNull();
    }

    [Fact]
    public void Read_KeysAreCaseInsensitive()
    {
        var options = CollageConfigReader.Read(InMemory(
            ("collage:MAPPINGS:etcd", "quay.io/coreos/etcd"),
            ("COLLAGE:vhosts:a.lan:mappings:/", "quay.io"),
            ("Collage:upstreams:quay.io:cafile", "/ca.pem"),
            ("Collage:upstreams:quay.io:insecureskipverify", "FALSE")));

        options.Mappings.Should().ContainKey("etcd");
        options.Vhosts["a.lan"].Mappings.Should().ContainKey("/");
        options.Upstreams["quay.io"].CaFile.Should().Be("/ca.pem");
    }

    [Fact]
    public void Read_Nothing_IsEmptyOptions()
    {
        var options = CollageConfigReader.Read(InMemory());

        options.Mappings.Should().BeEmpty();
        options.Vhosts.Should().BeEmpty();
        options.Upstreams.Should().BeEmpty();
    }

    [Fact]
    public void Read_HttpUnset_IsDocumentedDefaults()
    {
        CollageConfigReader.Read(InMemory()).Http.Should().Be(new UpstreamHttpOptions());
    }

    [Fact]
    public void Read_HttpSet_ParsesTimeSpans()
    {
        var http = CollageConfigReader.Read(InMemory(
            ("Collage:Http:ConnectTimeout", "00:00:03"),
            ("Collage:Http:ActivityTimeout", "00:02:00"),
            ("Collage:Http:PooledConnectionIdleTimeout", "00:00:30"),
            ("Collage:Http:PooledConnectionLifetime", "1.00:00:00"))).Http;

        http.Should().Be(new UpstreamHttpOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(3),
            ActivityTimeout = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromDays(1),
        });
    }
}
