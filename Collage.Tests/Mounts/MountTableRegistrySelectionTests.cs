using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;

namespace Collage.Tests.Mounts;

public sealed class MountTableRegistrySelectionTests
{
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
    public void TrySelectRegistry_VhostOfThatName_IsSelected(string registryHost, string expectedMap)
    {
        var table = Table("quay.io", "registry.production.lan", "registry.production.lan:5000");

        table.TrySelectRegistry(registryHost, out var map).Should().BeTrue();
        map!.Name.Should().Be(expectedMap);
    }

    [Theory]
    [InlineData("docker.io")]
    [InlineData("index.docker.io")]
    [InlineData("registry-1.docker.io")]
    [InlineData("Docker.IO")]
    public void TrySelectRegistry_AnyDockerHubName_FindsTheDockerHubVhostWhateverItsKey(string registryHost)
    {
        foreach (var key in new[] { "docker.io", "index.docker.io", "registry-1.docker.io" })
        {
            Table(key, "quay.io").TrySelectRegistry(registryHost, out var map).Should().BeTrue($"vhost '{key}' is Docker Hub");
            map!.Name.Should().Be(key);
        }
    }

    [Fact]
    public void TrySelectRegistry_BothDockerHubKeys_TheExactNameWins()
    {
        var table = Table("docker.io", "index.docker.io");

        table.TrySelectRegistry("index.docker.io", out var map).Should().BeTrue();
        map!.Name.Should().Be("index.docker.io");
        table.TrySelectRegistry("docker.io", out map).Should().BeTrue();
        map!.Name.Should().Be("docker.io");
    }

    [Theory]
    [InlineData("ghcr.io")]
    [InlineData("quay.io.evil")]
    [InlineData("docker.io")]
    [InlineData("registry.production.lan:5000")]
    [InlineData("a/b")]
    [InlineData(":5000")]
    public void TrySelectRegistry_NoVhostOfThatName_ReturnsFalse(string registryHost)
    {
        var table = Table("quay.io", "registry.production.lan:5001");

        table.TrySelectRegistry(registryHost, out var map).Should().BeFalse();
        map.Should().BeNull();
    }

    [Fact]
    public void Select_DockerHubAliasesApplyToNsOnly_HostHeaderMatchesItsKeyExactly()
    {
        // The Host header names Collage itself; only ns names a registry, whose aliases Collage knows.
        var table = Table("docker.io");

        table.Select(new Microsoft.AspNetCore.Http.HostString("index.docker.io")).Name.Should().Be("global");
        table.Select(new Microsoft.AspNetCore.Http.HostString("docker.io")).Name.Should().Be("docker.io");
    }
}
