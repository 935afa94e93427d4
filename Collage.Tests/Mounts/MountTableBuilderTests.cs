using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Mounts;

public sealed class MountTableBuilderTests
{
    private static MountTable VhostTable() => MountTableBuilder.Build(new CollageOptions
    {
        Mappings = TestMounts.Mappings("etcd=quay.io/coreos/etcd"),
        Vhosts = new Dictionary<string, VhostOptions>
        {
            ["docker-io-mirror.local.lan"] = new() { Mappings = TestMounts.Mappings("/=mirror.local.lan/docker.io") },
            ["127.0.0.2:5000"] = new() { Mappings = TestMounts.Mappings("/=127.0.0.1:5102") },
            ["127.0.0.2"] = new() { Mappings = TestMounts.Mappings("any=127.0.0.1:5103/any") },
            ["Upper.Local.Lan"] = new() { Mappings = TestMounts.Mappings("u=upper.example/u") },
        },
    });

    [Theory]
    [InlineData("docker-io-mirror.local.lan", "docker-io-mirror.local.lan")]
    [InlineData("DOCKER-IO-Mirror.Local.LAN", "docker-io-mirror.local.lan")]
    [InlineData("docker-io-mirror.local.lan:5000", "docker-io-mirror.local.lan")]
    [InlineData("docker-io-mirror.local.lan:443", "docker-io-mirror.local.lan")]
    [InlineData("127.0.0.2:5000", "127.0.0.2:5000")]
    [InlineData("127.0.0.2:5001", "127.0.0.2")]
    [InlineData("127.0.0.2", "127.0.0.2")]
    [InlineData("upper.local.lan", "upper.local.lan")]
    [InlineData("UPPER.local.lan:80", "upper.local.lan")]
    [InlineData("localhost:5000", "global")]
    [InlineData("127.0.0.1:5000", "global")]
    [InlineData("127.0.0.3:5000", "global")]
    [InlineData("mirror.local.lan", "global")]
    [InlineData("docker-io-mirror.local.lan.evil", "global")]
    [InlineData("docker-io-mirror.local.lan.", "docker-io-mirror.local.lan")]
    [InlineData("docker-io-mirror.local.lan.:5000", "docker-io-mirror.local.lan")]
    [InlineData("", "global")]
    public void Select_Host_PicksVhostOrGlobal(string host, string expectedMap)
    {
        VhostTable().Select(new HostString(host), registryHost: null).Name.Should().Be(expectedMap);
    }

    [Fact]
    public void Select_VhostWithPortOnly_OtherPortUsesGlobal()
    {
        var table = MountTableBuilder.Build(new CollageOptions
        {
            Mappings = TestMounts.Mappings("etcd=quay.io/coreos/etcd"),
            Vhosts = new Dictionary<string, VhostOptions> { ["127.0.0.2:5000"] = new() { Mappings = TestMounts.Mappings("/=127.0.0.1:5102") } },
        });

        table.Select(new HostString("127.0.0.2:5000"), registryHost: null).Name.Should().Be("127.0.0.2:5000");
        table.Select(new HostString("127.0.0.2:5001"), registryHost: null).Name.Should().Be("global");
        table.Select(new HostString("127.0.0.2"), registryHost: null).Name.Should().Be("global");
    }

    [Fact]
    public void Select_MatchingVhost_UsesOnlyItsMappings()
    {
        var table = VhostTable();

        var vhost = table.Select(new HostString("docker-io-mirror.local.lan"), registryHost: null);
        vhost.Resolve("etcd")!.Value.Upstream.Authority.Should().Be("mirror.local.lan");
        vhost.Resolve("etcd")!.Value.UpstreamName.Should().Be("docker.io/etcd");

        var narrow = table.Select(new HostString("upper.local.lan"), registryHost: null);
        narrow.Resolve("etcd").Should().BeNull();
        narrow.Resolve("u/x")!.Value.UpstreamName.Should().Be("u/x");

        table.Select(new HostString("other.lan"), registryHost: null).Resolve("etcd")!.Value.UpstreamName.Should().Be("coreos/etcd");
    }

    [Fact]
    public void Select_VhostsOnly_OtherHostsSeeNothing()
    {
        var table = MountTableBuilder.Build(new CollageOptions
        {
            Vhosts = new Dictionary<string, VhostOptions> { ["a.lan"] = new() { Mappings = TestMounts.Mappings("/=quay.io") } },
        });

        table.Select(new HostString("b.lan"), registryHost: null).Resolve("x").Should().BeNull();
        table.Select(new HostString("a.lan"), registryHost: null).Resolve("x")!.Value.UpstreamName.Should().Be("x");
    }

    [Fact]
    public void Build_SameUpstreamInSeveralMaps_IsOneUpstream()
    {
        var table = MountTableBuilder.Build(new CollageOptions
        {
            Mappings = TestMounts.Mappings("a=quay.io/a", "b=https://QUAY.io:443/b"),
            Vhosts = new Dictionary<string, VhostOptions> { ["v.lan"] = new() { Mappings = TestMounts.Mappings("/=quay.io") } },
        });

        table.Upstreams.Should().ContainSingle();
        table.Select(new HostString("v.lan"), registryHost: null).Resolve("x")!.Value.Upstream
            .Should().BeSameAs(table.Global.Resolve("a/x")!.Value.Upstream);
    }

    [Fact]
    public void Build_UpstreamsSection_KeyedByAuthorityWithAliases()
    {
        var table = MountTableBuilder.Build(new CollageOptions
        {
            Mappings = TestMounts.Mappings("hub=docker.io", "local=127.0.0.1:5102/x", "plain=http://registry.local.lan/foo"),
            Upstreams = new Dictionary<string, UpstreamOptions>
            {
                ["index.docker.io"] = new() { InsecureSkipVerify = false },
                ["127.0.0.1:5102"] = new() { CaFile = "/etc/ca.pem" },
                ["Registry.Local.Lan"] = new() { InsecureSkipVerify = true },
            },
        });

        table.UpstreamOptions.Keys.Should().BeEquivalentTo("registry-1.docker.io", "127.0.0.1:5102", "registry.local.lan");
        table.UpstreamOptions["127.0.0.1:5102"].CaFile.Should().Be("/etc/ca.pem");
        table.UpstreamOptions["registry.local.lan"].InsecureSkipVerify.Should().BeTrue();
    }

    [Fact]
    public void Build_EmptyVhostBesideGlobal_IsAllowed()
    {
        var table = MountTableBuilder.Build(new CollageOptions
        {
            Mappings = TestMounts.Mappings("etcd=quay.io/coreos/etcd"),
            Vhosts = new Dictionary<string, VhostOptions> { ["closed.lan"] = new() },
        });

        table.Select(new HostString("closed.lan"), registryHost: null).Resolve("etcd").Should().BeNull();
    }

    [Fact]
    public void Build_NoMappings_NamesKeyAndFix()
    {
        var act = () => MountTableBuilder.Build(new CollageOptions());

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "mappings")
            .WithMessage("*'mappings'*no mappings*Add at least one*");
    }

    [Fact]
    public void Build_OnlyEmptyVhosts_NamesKeyAndFix()
    {
        var act = () => MountTableBuilder.Build(new CollageOptions
        {
            Vhosts = new Dictionary<string, VhostOptions> { ["a.lan"] = new() },
        });

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "mappings");
    }

    [Theory]
    [InlineData("Cool/stuff")]
    [InlineData("cool stuff")]
    [InlineData("cool//stuff")]
    [InlineData("../etc")]
    [InlineData("cool/-stuff")]
    [InlineData("cool/stuff_")]
    [InlineData("a:b")]
    public void Build_InvalidMountKey_NamesKeyAndFix(string key)
    {
        var act = () => MountTableBuilder.Build(new CollageOptions { Mappings = new Dictionary<string, string> { [key] = "quay.io/x" } });

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == $"mappings:{key}")
            .WithMessage("*not a valid repository-name prefix*lower-case*\"/\" for the root mount*");
    }

    [Theory]
    [InlineData("cool/stuff", "/cool/stuff/")]
    [InlineData("etcd", "etcd/")]
    [InlineData("/", "")]
    [InlineData("/", "//")]
    public void Build_MountsEqualAfterNormalisation_NamesBothKeys(string first, string second)
    {
        var act = () => MountTableBuilder.Build(new CollageOptions
        {
            Mappings = new Dictionary<string, string> { [first] = "quay.io/a", [second] = "quay.io/b" },
        });

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == $"mappings:{second}")
            .WithMessage($"*same local path as 'mappings:{first}'*Keep one*");
    }

    [Fact]
    public void Build_DuplicateMountInVhost_NamesVhostKey()
    {
        var act = () => MountTableBuilder.Build(new CollageOptions
        {
            Vhosts = new Dictionary<string, VhostOptions>
            {
                ["a.lan"] = new() { Mappings = TestMounts.Mappings("x=quay.io/a", "/x=quay.io/b") },
            },
        });

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "vhosts:a.lan:mappings:/x");
    }

    [Theory]
    [InlineData("ftp://quay.io/x", "*scheme 'ftp'*https://*http://*")]
    [InlineData("oci://quay.io/x", "*scheme 'oci'*")]
    [InlineData("", "*empty*")]
    [InlineData("quay.io/CoreOS", "*namespace 'CoreOS'*")]
    [InlineData("user:secret@quay.io/x", "*does not parse*without credentials*")]
    public void Build_BadUpstream_NamesKeyAndFix(string source, string message)
    {
        var act = () => MountTableBuilder.Build(new CollageOptions { Mappings = TestMounts.Mappings($"etcd={source}") });

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "mappings:etcd")
            .WithMessage(message);
    }

    [Theory]
    [InlineData("unused.example")]
    [InlineData("quay.io:5000")]
    [InlineData("127.0.0.1:5103")]
    public void Build_UpstreamsKeyNamingNoUsedUpstream_NamesKeyAndKnownUpstreams(string key)
    {
        var act = () => MountTableBuilder.Build(new CollageOptions
        {
            Mappings = TestMounts.Mappings("etcd=quay.io/coreos/etcd", "l=127.0.0.1:5102"),
            Upstreams = new Dictionary<string, UpstreamOptions> { [key] = new() },
        });

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == $"upstreams:{key}")
            .WithMessage("*no mapping uses the upstream*host[:port]*quay.io*127.0.0.1:5102*");
    }

    [Fact]
    public void Build_UpstreamConfiguredTwice_NamesKey()
    {
        var act = () => MountTableBuilder.Build(new CollageOptions
        {
            Mappings = TestMounts.Mappings("hub=docker.io"),
            Upstreams = new Dictionary<string, UpstreamOptions> { ["docker.io"] = new(), ["index.docker.io"] = new() },
        });

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "upstreams:index.docker.io").WithMessage("*twice*");
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("host:port")]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    [InlineData(" ")]
    [InlineData("bad host")]
    public void Build_InvalidVhostKey_NamesKeyAndFix(string key)
    {
        var act = () => MountTableBuilder.Build(new CollageOptions
        {
            Vhosts = new Dictionary<string, VhostOptions> { [key] = new() { Mappings = TestMounts.Mappings("/=quay.io") } },
        });

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == $"vhosts:{key}")
            .WithMessage("*not a host name*\"127.0.0.2:5000\"*");
    }

    [Fact]
    public void Build_VhostsEqualAfterNormalisation_NamesBoth()
    {
        var act = () => MountTableBuilder.Build(new CollageOptions
        {
            Vhosts = new Dictionary<string, VhostOptions>
            {
                ["a.lan"] = new() { Mappings = TestMounts.Mappings("/=quay.io") },
                ["A.LAN."] = new() { Mappings = TestMounts.Mappings("/=quay.io") },
            },
        });

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "vhosts:A.LAN.").WithMessage("*'vhosts:a.lan'*");
    }

    [Fact]
    public void Build_IPv6Vhost_WithAndWithoutPort()
    {
        var table = MountTableBuilder.Build(new CollageOptions
        {
            Mappings = TestMounts.Mappings("/=quay.io"),
            Vhosts = new Dictionary<string, VhostOptions>
            {
                ["[::1]:5000"] = new() { Mappings = TestMounts.Mappings("/=ghcr.io") },
                ["[::2]"] = new() { Mappings = TestMounts.Mappings("/=gcr.io") },
            },
        });

        table.Select(new HostString("[::1]:5000"), registryHost: null).Name.Should().Be("[::1]:5000");
        table.Select(new HostString("[::1]:5001"), registryHost: null).Name.Should().Be("global");
        table.Select(new HostString("[::2]:5001"), registryHost: null).Name.Should().Be("[::2]");
    }
}
