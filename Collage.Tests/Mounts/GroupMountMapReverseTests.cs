using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;

namespace Collage.Tests.Mounts;

/// <summary>
/// Names both ways for a group's members: a local name resolves on each member to that member's repository name, and
/// each member's repository name maps back (<see cref="MountMap.ToLocalNames"/>) to the group's local name; for Tags
/// lists, catalogs and Link headers from whichever member answered.
/// </summary>
public sealed class GroupMountMapReverseTests
{
    private static MountMap Map(params (string Key, string[] Members)[] mappings) =>
        MountTableBuilder.Build(new CollageOptions
        {
            Mappings = mappings.ToDictionary(m => m.Key, m => m.Members.Length == 1 ? (MappingOptions)m.Members[0] : new MappingOptions { Upstreams = m.Members }),
        }).Global;

    private static Upstream UpstreamOf(MountMap map, string authority) =>
        map.Mounts.SelectMany(m => m.Members).First(m => m.Upstream.Authority == authority).Upstream;

    [Theory]
    [InlineData("mirror.corp.lan", "dockerhub/library/alpine", "library/alpine")]
    [InlineData("quay.io", "team/alpine", "library/alpine")]
    [InlineData("quay.io", "team/tools/jq", "library/tools/jq")]
    public void ToLocalNames_EachMembersName_TheGroupsLocalName(string authority, string upstreamName, string local)
    {
        var map = Map(("library", ["https://mirror.corp.lan/dockerhub/library", "quay.io/team"]));

        map.ToLocalNames(UpstreamOf(map, authority), upstreamName).Should().Equal(local);
        map.ToLocal(UpstreamOf(map, authority), upstreamName).Should().Be(local);
    }

    [Fact]
    public void Resolve_LocalName_EachMembersOwnName()
    {
        var map = Map(("library", ["https://mirror.corp.lan/dockerhub/library", "quay.io/team"]));

        var resolution = map.Resolve("library/alpine")!.Value;

        resolution.Member.Should().Be(0);
        resolution.UpstreamName.Should().Be("dockerhub/library/alpine");
        resolution.Remainder.Should().Be("alpine");
        resolution.ForMember(1)!.Value.UpstreamName.Should().Be("team/alpine");
        resolution.ForMember(1)!.Value.Upstream.Authority.Should().Be("quay.io");
        resolution.CacheRepository.Should().Be("group:mappings:library/alpine", "a group is one cached namespace, whichever member served");
        resolution.ForMember(1)!.Value.CacheRepository.Should().Be(resolution.CacheRepository);
    }

    [Fact]
    public void ToLocalNames_OutsideTheMembersNamespace_Empty()
    {
        var map = Map(("library", ["https://mirror.corp.lan/dockerhub/library", "quay.io/team"]));

        map.ToLocalNames(UpstreamOf(map, "quay.io"), "other/alpine").Should().BeEmpty();
        map.ToLocalNames(UpstreamOf(map, "mirror.corp.lan"), "team/alpine").Should().BeEmpty("team/ is the other member's namespace");
    }

    [Fact]
    public void ToLocalNames_DockerHubMember_OfficialImagesAreBareLocally()
    {
        var map = Map(("hub", ["https://mirror.corp.lan/hub", "docker.io"]));
        var hub = UpstreamOf(map, "registry-1.docker.io");

        map.ToLocalNames(hub, "library/alpine").Should().Equal("hub/alpine", "hub/library/alpine");
        map.ToLocal(hub, "library/alpine").Should().Be("hub/alpine");
        map.ToLocalNames(hub, "bitnami/redis").Should().Equal("hub/bitnami/redis");
        map.Resolve("hub/alpine")!.Value.UpstreamName.Should().Be("hub/alpine", "the mirror is no Docker Hub: no library/ there");
        map.Resolve("hub/alpine")!.Value.ForMember(1)!.Value.UpstreamName.Should().Be("library/alpine");
    }

    [Fact]
    public void ToLocalNames_DeeperMountShadowsTheGroup_OnlyTheDeeperName()
    {
        var map = Map(("lib", ["quay.io/a", "ghcr.io/b"]), ("lib/special", ["http://127.0.0.1:5102/s"]));

        map.ToLocalNames(UpstreamOf(map, "ghcr.io"), "b/app").Should().Equal("lib/app");
        map.ToLocalNames(UpstreamOf(map, "ghcr.io"), "b/special/app").Should().BeEmpty("lib/special/app resolves to the deeper mount, not to ghcr.io");
    }

    [Fact]
    public void ToLocalNames_MemberInTwoGroups_BothLocalNames()
    {
        var map = Map(("one", ["quay.io/a", "ghcr.io/shared"]), ("two", ["http://127.0.0.1:5102/b", "ghcr.io/shared"]));

        map.ToLocalNames(UpstreamOf(map, "ghcr.io"), "shared/app").Should().BeEquivalentTo("one/app", "two/app");
    }

    [Fact]
    public void ForMember_WholeRegistryMemberAtThePrefixItself_NoRepository()
    {
        var map = Map(("lib", ["quay.io/ns", "ghcr.io"]));

        var resolution = map.Resolve("lib")!.Value;

        resolution.UpstreamName.Should().Be("ns");
        resolution.ForMember(1).Should().BeNull("a whole registry has no repository at its own root");
    }
}
