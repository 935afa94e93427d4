using Collage.Transforms.Mounts;

namespace Collage.Tests.Mounts;

public sealed class MountMapTests
{
    private static readonly string[] Original =
    [
        "cool/stuff=index.docker.io/flavio",
        "etcd=quay.io/coreos/etcd",
        "foobar=http://insecure-registry.local.lan/foo",
        "hub=registry-1.docker.io",
    ];

    [Theory]
    [InlineData("cool/stuff/x", "registry-1.docker.io", "flavio/x")]
    [InlineData("cool/stuff/x/y", "registry-1.docker.io", "flavio/x/y")]
    [InlineData("etcd", "quay.io", "coreos/etcd")]
    [InlineData("etcd/operator", "quay.io", "coreos/etcd/operator")]
    [InlineData("foobar/baz", "insecure-registry.local.lan", "foo/baz")]
    [InlineData("hub/nginx", "registry-1.docker.io", "library/nginx")]
    [InlineData("hub/bitnami/redis", "registry-1.docker.io", "bitnami/redis")]
    public void Resolve_OriginalConfig_MapsToUpstreamName(string local, string authority, string upstreamName)
    {
        var resolution = TestMounts.Global(Original).Resolve(local);

        resolution.Should().NotBeNull();
        resolution!.Value.Upstream.Authority.Should().Be(authority);
        resolution.Value.UpstreamName.Should().Be(upstreamName);
    }

    [Fact]
    public void Resolve_HttpUpstream_KeepsPlainHttpScheme()
    {
        var resolution = TestMounts.Global(Original).Resolve("foobar/x");

        resolution!.Value.Upstream.BaseUri.Should().Be(new Uri("http://insecure-registry.local.lan/"));
        TestMounts.Global(Original).Resolve("etcd")!.Value.Upstream.BaseUri.Should().Be(new Uri("https://quay.io/"));
    }

    [Theory]
    [InlineData("cool/stuffing/x")]
    [InlineData("cool/stuffing")]
    [InlineData("cool")]
    [InlineData("cool/stuf/x")]
    [InlineData("etcdx")]
    [InlineData("etcd-operator")]
    [InlineData("hubble/x")]
    [InlineData("x/cool/stuff")]
    public void Resolve_PartialSegment_DoesNotMatch(string local)
    {
        TestMounts.Global(Original).Resolve(local).Should().BeNull();
    }

    [Theory]
    [InlineData("a/b/c/d", "deep.example/d1/d")]
    [InlineData("a/b/c", "deep.example/d1")]
    [InlineData("a/b/x", "mid.example/m1/x")]
    [InlineData("a/b", "mid.example/m1")]
    [InlineData("a/x", "top.example/t1/x")]
    [InlineData("a", "top.example/t1")]
    [InlineData("a/bc", "top.example/t1/bc")]
    [InlineData("a/b/cd", "mid.example/m1/cd")]
    public void Resolve_LongestSegmentPrefix_Wins(string local, string expected)
    {
        var map = TestMounts.Global("a=top.example/t1", "a/b=mid.example/m1", "a/b/c=deep.example/d1");

        var resolution = map.Resolve(local);

        resolution.Should().NotBeNull();
        $"{resolution!.Value.Upstream.Authority}/{resolution.Value.UpstreamName}".Should().Be(expected);
    }

    [Fact]
    public void Resolve_DeclarationOrder_DoesNotMatter()
    {
        var forward = TestMounts.Global("a=top.example/t1", "a/b=mid.example/m1");
        var backward = TestMounts.Global("a/b=mid.example/m1", "a=top.example/t1");

        forward.Resolve("a/b/x")!.Value.UpstreamName.Should().Be("m1/x");
        backward.Resolve("a/b/x")!.Value.UpstreamName.Should().Be("m1/x");
        forward.Mounts.Select(m => m.LocalPrefix).Should().Equal("a/b", "a");
    }

    [Theory]
    [InlineData("/cool/stuff/")]
    [InlineData("cool/stuff/")]
    [InlineData("/cool/stuff")]
    [InlineData(" cool/stuff ")]
    public void Resolve_SlashesAroundKey_AreNormalised(string key)
    {
        var map = TestMounts.Global($"{key}=index.docker.io/flavio/");

        map.Mounts.Single().LocalPrefix.Should().Be("cool/stuff");
        map.Mounts.Single().UpstreamPrefix.Should().Be("flavio");
        map.Resolve("cool/stuff/x")!.Value.UpstreamName.Should().Be("flavio/x");
    }

    [Theory]
    [InlineData("quay.io/coreos/", "coreos/etcd")]
    [InlineData("quay.io/coreos", "coreos/etcd")]
    [InlineData("quay.io/", "etcd")]
    [InlineData("quay.io", "etcd")]
    public void Resolve_SlashesAroundSource_AreNormalised(string source, string expected)
    {
        TestMounts.Global($"q={source}").Resolve("q/etcd")!.Value.UpstreamName.Should().Be(expected);
    }

    [Theory]
    [InlineData("reg/foo/bar", "foo/bar")]
    [InlineData("reg/foo", "foo")]
    [InlineData("reg/a/b/c", "a/b/c")]
    public void Resolve_WholeRegistryMount_MapsRemainder(string local, string expected)
    {
        TestMounts.Global("reg=registry.local.lan:5000").Resolve(local)!.Value.UpstreamName.Should().Be(expected);
    }

    [Fact]
    public void Resolve_WholeRegistryMount_HasNoRepositoryAtItsOwnPrefix()
    {
        TestMounts.Global("reg=registry.local.lan").Resolve("reg").Should().BeNull();
        TestMounts.Global("hub=registry-1.docker.io").Resolve("hub").Should().BeNull();
    }

    [Theory]
    [InlineData("nginx", "other.example", "nginx")]
    [InlineData("some/thing", "other.example", "some/thing")]
    [InlineData("cool/stuffing/x", "other.example", "cool/stuffing/x")]
    [InlineData("cool", "other.example", "cool")]
    [InlineData("cool/stuff/x", "registry-1.docker.io", "flavio/x")]
    [InlineData("etcd", "quay.io", "coreos/etcd")]
    public void Resolve_RootMount_IsFallbackBesideOtherMounts(string local, string authority, string upstreamName)
    {
        var map = TestMounts.Global("/=other.example", "cool/stuff=docker.io/flavio", "etcd=quay.io/coreos/etcd");

        var resolution = map.Resolve(local)!.Value;

        resolution.Upstream.Authority.Should().Be(authority);
        resolution.UpstreamName.Should().Be(upstreamName);
    }

    [Fact]
    public void Resolve_RootMountWithNamespace_PrefixesEveryName()
    {
        var map = TestMounts.Global("/=mirror.local.lan/docker.io");

        map.Resolve("nginx")!.Value.UpstreamName.Should().Be("docker.io/nginx");
        map.Resolve("library/nginx")!.Value.UpstreamName.Should().Be("docker.io/library/nginx");
        map.Mounts.Single().LocalPrefix.Should().BeEmpty();
        map.Mounts.Single().Depth.Should().Be(0);
    }

    [Fact]
    public void Resolve_NoRootMount_UnmountedNameIsNull()
    {
        TestMounts.Global("etcd=quay.io/coreos/etcd").Resolve("nginx").Should().BeNull();
    }

    [Theory]
    [InlineData("/=docker.io", "nginx", "library/nginx")]
    [InlineData("/=index.docker.io", "nginx", "library/nginx")]
    [InlineData("/=registry-1.docker.io", "bitnami/redis", "bitnami/redis")]
    [InlineData("/=docker.io", "library/nginx", "library/nginx")]
    [InlineData("hub=docker.io", "hub/nginx", "library/nginx")]
    [InlineData("cool/stuff=docker.io/flavio", "cool/stuff", "library/flavio")]
    [InlineData("cool/stuff=docker.io/flavio", "cool/stuff/x", "flavio/x")]
    public void Resolve_DockerHubSingleSegment_GainsLibrary(string mapping, string local, string upstreamName)
    {
        var resolution = TestMounts.Global(mapping).Resolve(local)!.Value;

        resolution.Upstream.Authority.Should().Be("registry-1.docker.io");
        resolution.Upstream.IsDockerHub.Should().BeTrue();
        resolution.UpstreamName.Should().Be(upstreamName);
    }

    [Fact]
    public void Resolve_OtherRegistrySingleSegment_DoesNotGainLibrary()
    {
        var resolution = TestMounts.Global("/=quay.io").Resolve("nginx")!.Value;

        resolution.Upstream.IsDockerHub.Should().BeFalse();
        resolution.UpstreamName.Should().Be("nginx");
    }

    [Fact]
    public void Resolve_DockerHubAliases_ShareOneUpstream()
    {
        var table = TestMounts.Table("a=docker.io/x", "b=index.docker.io/y", "c=registry-1.docker.io/z", "d=https://docker.io/w");

        table.Upstreams.Should().ContainSingle().Which.Id.Should().Be("https://registry-1.docker.io");
        var map = table.Global;
        map.Resolve("a/r")!.Value.Upstream.Should().BeSameAs(map.Resolve("b/r")!.Value.Upstream);
        map.Resolve("c/r")!.Value.Upstream.Should().BeSameAs(map.Resolve("d/r")!.Value.Upstream);
    }

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

    [Fact]
    public void Name_IsGlobalForMappings()
    {
        TestMounts.Global(Original).Name.Should().Be("global");
    }
}
