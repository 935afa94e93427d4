using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Mounts;

/// <summary>The table a valid configuration builds: one map per vhost beside the global one, and which host selects which.</summary>
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
        VhostTable().Select(new HostString(host), registryHost: null, out _).Name.Should().Be(expectedMap);
    }

    [Fact]
    public void Select_VhostWithPortOnly_OtherPortUsesGlobal()
    {
        var table = MountTableBuilder.Build(new CollageOptions
        {
            Mappings = TestMounts.Mappings("etcd=quay.io/coreos/etcd"),
            Vhosts = new Dictionary<string, VhostOptions> { ["127.0.0.2:5000"] = new() { Mappings = TestMounts.Mappings("/=127.0.0.1:5102") } },
        });

        table.Select(new HostString("127.0.0.2:5000"), registryHost: null, out _).Name.Should().Be("127.0.0.2:5000");
        table.Select(new HostString("127.0.0.2:5001"), registryHost: null, out _).Name.Should().Be("global");
        table.Select(new HostString("127.0.0.2"), registryHost: null, out _).Name.Should().Be("global");
    }

    [Fact]
    public void Select_MatchingVhost_UsesOnlyItsMappings()
    {
        var table = VhostTable();

        var vhost = table.Select(new HostString("docker-io-mirror.local.lan"), registryHost: null, out _);
        vhost.Resolve("etcd")!.Value.Upstream.Authority.Should().Be("mirror.local.lan");
        vhost.Resolve("etcd")!.Value.UpstreamName.Should().Be("docker.io/etcd");

        var narrow = table.Select(new HostString("upper.local.lan"), registryHost: null, out _);
        narrow.Resolve("etcd").Should().BeNull();
        narrow.Resolve("u/x")!.Value.UpstreamName.Should().Be("u/x");

        table.Select(new HostString("other.lan"), registryHost: null, out _).Resolve("etcd")!.Value.UpstreamName.Should().Be("coreos/etcd");
    }

    [Fact]
    public void Select_VhostsOnly_OtherHostsSeeNothing()
    {
        var table = MountTableBuilder.Build(new CollageOptions
        {
            Vhosts = new Dictionary<string, VhostOptions> { ["a.lan"] = new() { Mappings = TestMounts.Mappings("/=quay.io") } },
        });

        table.Select(new HostString("b.lan"), registryHost: null, out _).Resolve("x").Should().BeNull();
        table.Select(new HostString("a.lan"), registryHost: null, out _).Resolve("x")!.Value.UpstreamName.Should().Be("x");
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
        table.Select(new HostString("v.lan"), registryHost: null, out _).Resolve("x")!.Value.Upstream
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

        table.Select(new HostString("closed.lan"), registryHost: null, out _).Resolve("etcd").Should().BeNull();
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

        table.Select(new HostString("[::1]:5000"), registryHost: null, out _).Name.Should().Be("[::1]:5000");
        table.Select(new HostString("[::1]:5001"), registryHost: null, out _).Name.Should().Be("global");
        table.Select(new HostString("[::2]:5001"), registryHost: null, out _).Name.Should().Be("[::2]");
    }
}
