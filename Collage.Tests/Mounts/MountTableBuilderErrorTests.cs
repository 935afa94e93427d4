using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;

namespace Collage.Tests.Mounts;

/// <summary>The configurations the builder refuses, each with the key to fix and how.</summary>
public sealed class MountTableBuilderErrorTests
{
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
        var act = () => MountTableBuilder.Build(new CollageOptions { Mappings = new Dictionary<string, MappingOptions> { [key] = "quay.io/x" } });

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
            Mappings = new Dictionary<string, MappingOptions> { [first] = "quay.io/a", [second] = "quay.io/b" },
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
}
