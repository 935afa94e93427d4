using static Collage.Tests.Mounts.TestMounts;

namespace Collage.Tests.Mounts;

/// <summary>
/// The way back: which local names show an upstream repository name (in tag lists, catalogs and Link headers), and
/// that each resolves to it again.
/// </summary>
public sealed class MountMapReverseTests
{
    [Theory]
    [InlineData("quay.io", "coreos/etcd", "etcd")]
    [InlineData("quay.io", "coreos/etcd/operator", "etcd/operator")]
    [InlineData("registry-1.docker.io", "flavio/x", "cool/stuff/x")]
    [InlineData("registry-1.docker.io", "library/nginx", "hub/nginx")]
    [InlineData("registry-1.docker.io", "bitnami/redis", "hub/bitnami/redis")]
    [InlineData("insecure-registry.local.lan", "foo/baz", "foobar/baz")]
    public void ToLocal_OriginalConfig_IsInverseOfResolve(string authority, string upstreamName, string local)
    {
        var map = TestMounts.Global(Original);
        var upstream = map.Mounts.First(m => m.Upstream.Authority == authority).Upstream;

        map.ToLocal(upstream, upstreamName).Should().Be(local);
        map.Resolve(local)!.Value.UpstreamName.Should().Be(upstreamName);
    }

    [Theory]
    [InlineData("quay.io", "coreos/etcdx")]
    [InlineData("quay.io", "coreos")]
    [InlineData("quay.io", "other/etcd")]
    [InlineData("insecure-registry.local.lan", "foobar/x")]
    public void ToLocal_NameOutsideEveryMount_IsNull(string authority, string upstreamName)
    {
        var map = TestMounts.Global(Original);
        var upstream = map.Mounts.First(m => m.Upstream.Authority == authority).Upstream;

        map.ToLocal(upstream, upstreamName).Should().BeNull();
        map.ToLocalNames(upstream, upstreamName).Should().BeEmpty();
    }

    [Fact]
    public void ToLocal_MountedNamespaceItself_IsTheMountKey()
    {
        var map = TestMounts.Global(Original);
        var insecure = map.Resolve("foobar/x")!.Value.Upstream;

        map.ToLocal(insecure, "foo").Should().Be("foobar");
    }

    [Fact]
    public void ToLocal_UpstreamNotInMap_IsNull()
    {
        var map = TestMounts.Global("etcd=quay.io/coreos/etcd");
        var elsewhere = TestMounts.Global("x=ghcr.io/x").Mounts.Single().Upstream;

        map.ToLocal(elsewhere, "x/y").Should().BeNull();
    }

    [Fact]
    public void ToLocal_SameHostOtherScheme_IsOtherUpstream()
    {
        var map = TestMounts.Global("a=http://registry.local.lan/foo");
        var https = TestMounts.Global("b=registry.local.lan/foo").Mounts.Single().Upstream;

        map.ToLocal(https, "foo/x").Should().BeNull();
        map.ToLocal(map.Mounts.Single().Upstream, "foo/x").Should().Be("a/x");
    }

    [Fact]
    public void ToLocalNames_DeeperMount_ShadowsShallowerOne()
    {
        // "a" would show reg/x/b/c as a/b/c, but "a/b" owns that local name and maps it elsewhere.
        var map = TestMounts.Global("a=registry.local.lan/x", "a/b=other.local.lan/y");
        var reg = map.Resolve("a/q")!.Value.Upstream;

        map.ToLocalNames(reg, "x/b/c").Should().BeEmpty();
        map.ToLocal(reg, "x/b/c").Should().BeNull();
        map.ToLocal(reg, "x/bc").Should().Be("a/bc");
        map.ToLocal(reg, "x/q").Should().Be("a/q");
    }

    [Fact]
    public void ToLocalNames_RootMountShadowedByNamedMount_IsSkipped()
    {
        var map = TestMounts.Global("/=registry.local.lan", "etcd=quay.io/coreos/etcd");
        var reg = map.Resolve("anything")!.Value.Upstream;

        map.ToLocal(reg, "etcd/x").Should().BeNull();
        map.ToLocal(reg, "etcdx").Should().Be("etcdx");
    }

    [Fact]
    public void ToLocalNames_SeveralMountsOfOneUpstream_DeepestFirst()
    {
        var map = TestMounts.Global("q=quay.io", "q/etcd=quay.io/coreos/etcd", "coreos=quay.io/coreos");
        var quay = map.Mounts[0].Upstream;

        map.ToLocalNames(quay, "coreos/etcd/x").Should().Equal("q/etcd/x", "coreos/etcd/x", "q/coreos/etcd/x");
        map.ToLocal(quay, "coreos/etcd/x").Should().Be("q/etcd/x");
        map.ToLocalNames(quay, "coreos/etcd").Should().Equal("q/etcd", "coreos/etcd", "q/coreos/etcd");
    }

    [Fact]
    public void ToLocalNames_EveryName_ResolvesBack()
    {
        var map = TestMounts.Global("q=quay.io", "q/etcd=quay.io/coreos/etcd", "coreos=quay.io/coreos");
        var quay = map.Mounts[0].Upstream;

        foreach (var local in map.ToLocalNames(quay, "coreos/etcd/x"))
        {
            map.Resolve(local)!.Value.UpstreamName.Should().Be("coreos/etcd/x");
        }
    }

    [Theory]
    [InlineData("/=docker.io", "library/nginx", "nginx")]
    [InlineData("hub=docker.io", "library/nginx", "hub/nginx")]
    [InlineData("cool/stuff=docker.io/flavio", "library/flavio", "cool/stuff")]
    [InlineData("official=docker.io/library", "library/nginx", "official/nginx")]
    [InlineData("/=docker.io", "bitnami/redis", "bitnami/redis")]
    public void ToLocal_DockerHubOfficialImage_DropsLibrary(string mapping, string upstreamName, string local)
    {
        var map = TestMounts.Global(mapping);

        map.ToLocal(map.Mounts.Single().Upstream, upstreamName).Should().Be(local);
    }

    [Fact]
    public void ToLocal_DockerHubWholeRegistry_ListsBothSpellings()
    {
        var map = TestMounts.Global("hub=docker.io");

        map.ToLocalNames(map.Mounts.Single().Upstream, "library/nginx").Should().Equal("hub/nginx", "hub/library/nginx");
    }

    [Fact]
    public void ToLocal_DockerHubUnprefixedSingleName_IsNotAName()
    {
        var map = TestMounts.Global("/=docker.io");

        // Docker Hub never answers with "nginx"; locally "nginx" is library/nginx.
        map.ToLocal(map.Mounts.Single().Upstream, "nginx").Should().BeNull();
    }

    [Fact]
    public void ToLocal_WholeRegistryPrefixItself_IsNull()
    {
        var map = TestMounts.Global("reg=registry.local.lan");

        map.ToLocal(map.Mounts.Single().Upstream, string.Empty).Should().BeNull();
    }
}
