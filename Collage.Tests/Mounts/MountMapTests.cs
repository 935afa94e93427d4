using static Collage.Tests.Mounts.TestMounts;

namespace Collage.Tests.Mounts;

/// <summary>How a local repository name resolves to an upstream and its name there.</summary>
public sealed class MountMapTests
{
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

    [Fact]
    public void Name_IsGlobalForMappings()
    {
        TestMounts.Global(Original).Name.Should().Be("global");
    }
}
