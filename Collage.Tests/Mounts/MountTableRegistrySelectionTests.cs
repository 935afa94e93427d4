using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Mounts;

public sealed class MountTableRegistrySelectionTests
{
    // The Host of every request below: no vhost has it, so without a registry the global map answers.
    private static readonly HostString Collage = new("collage.lan");

    private static MountTable Table(params string[] vhostKeys) => MountTableBuilder.Build(new CollageOptions
    {
        Mappings = TestMounts.Mappings("etcd=quay.io/coreos/etcd"),
        Vhosts = vhostKeys.ToDictionary(k => k, k => new VhostOptions { Mappings = TestMounts.Mappings($"/=mirror.local.lan/{k.Replace(':', '-')}") }),
    });

    [Theory]
    [InlineData("quay.io", "quay.io")]
    [InlineData("QUAY.IO", "quay.io")]
    [InlineData("quay.io.", "quay.io")]
    [InlineData("registry.production.lan", "registry.production.lan")]
    [InlineData("registry.production.lan:5000", "registry.production.lan:5000")]
    [InlineData("registry.production.lan:5001", "registry.production.lan")]
    public void Select_RegistryNamingAVhost_SelectsIt(string registryHost, string expectedMap)
    {
        var table = Table("quay.io", "registry.production.lan", "registry.production.lan:5000");

        table.Select(Collage, registryHost, out var byRegistry).Name.Should().Be(expectedMap);
        byRegistry.Should().BeTrue();
    }

    [Theory]
    [InlineData("docker.io")]
    [InlineData("index.docker.io")]
    [InlineData("registry-1.docker.io")]
    [InlineData("Docker.IO")]
    public void Select_AnyDockerHubName_FindsTheDockerHubVhostWhateverItsKey(string registryHost)
    {
        foreach (var key in new[] { "docker.io", "index.docker.io", "registry-1.docker.io" })
        {
            Table(key, "quay.io").Select(Collage, registryHost, out _).Name.Should().Be(key, $"vhost '{key}' is Docker Hub");
        }
    }

    [Fact]
    public void Select_BothDockerHubKeys_TheExactNameWins()
    {
        var table = Table("docker.io", "index.docker.io");

        table.Select(Collage, "index.docker.io", out _).Name.Should().Be("index.docker.io");
        table.Select(Collage, "docker.io", out _).Name.Should().Be("docker.io");
    }

    [Theory]
    [InlineData("ghcr.io")]
    [InlineData("quay.io.evil")]
    [InlineData("docker.io")]
    [InlineData("registry.production.lan:5000")]
    [InlineData("a/b")]
    [InlineData(":5000")]
    public void Select_RegistryNamingNoVhost_FallsBackToTheHost(string registryHost)
    {
        var table = Table("quay.io", "registry.production.lan:5001");

        table.Select(Collage, registryHost, out var byRegistry).Name.Should().Be("global");
        byRegistry.Should().BeFalse("the Host chose the map");
        table.Select(new HostString("quay.io"), registryHost, out _).Name.Should().Be("quay.io");
    }

    [Fact]
    public void Select_DockerHubAliasesApplyToNsOnly_HostHeaderMatchesItsKeyExactly()
    {
        // The Host header names Collage itself; only ns names a registry, whose aliases Collage knows.
        var table = Table("docker.io");

        table.Select(new HostString("index.docker.io"), registryHost: null, out _).Name.Should().Be("global");
        table.Select(new HostString("docker.io"), registryHost: null, out _).Name.Should().Be("docker.io");
    }
}
