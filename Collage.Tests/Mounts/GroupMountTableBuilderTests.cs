using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;

namespace Collage.Tests.Mounts;

/// <summary>
/// Groups in the mount table: members in order, the first the primary; the tag policy and the group's id on the mount;
/// every member an upstream of its own (its <c>upstreams</c> entry allowed); and the groups refused, naming the key: no
/// member, a member that does not parse, the same member twice, a pass-through member.
/// </summary>
public sealed class GroupMountTableBuilderTests
{
    private static MountTable Build(Dictionary<string, MappingOptions> mappings, Dictionary<string, UpstreamOptions>? upstreams = null, Dictionary<string, VhostOptions>? vhosts = null) =>
        MountTableBuilder.Build(new CollageOptions { Mappings = mappings, Upstreams = upstreams ?? [], Vhosts = vhosts ?? [] });

    private static MappingOptions Group(params string[] members) => new() { Upstreams = members };

    [Fact]
    public void Build_Group_MembersInOrderFirstIsPrimary()
    {
        var table = Build(new() { ["lib"] = Group("https://mirror.corp.lan/dockerhub/library", "docker.io/library", "http://127.0.0.1:5102/lib") });

        var mount = table.Global.Mounts.Single();
        mount.IsGroup.Should().BeTrue();
        mount.Members.Select(m => (m.Upstream.Id, m.UpstreamPrefix)).Should().Equal(
            ("https://mirror.corp.lan", "dockerhub/library"), ("https://registry-1.docker.io", "library"), ("http://127.0.0.1:5102", "lib"));
        mount.Upstream.Should().BeSameAs(mount.Members[0].Upstream);
        mount.UpstreamPrefix.Should().Be("dockerhub/library");
        mount.Tags.Should().Be(GroupTagPolicy.FirstHealthy);
        mount.GroupId.Should().Be("group:mappings:lib");
        table.Groups.Should().ContainSingle().Which.Should().BeSameAs(mount);
        table.Upstreams.Select(u => u.Authority).Should().BeEquivalentTo("mirror.corp.lan", "registry-1.docker.io", "127.0.0.1:5102");
    }

    [Fact]
    public void Build_StringMapping_NotAGroup()
    {
        var table = TestMounts.Table("etcd=quay.io/coreos/etcd");

        table.Global.Mounts.Single().IsGroup.Should().BeFalse();
        table.Global.Mounts.Single().Members.Should().ContainSingle();
        table.Groups.Should().BeEmpty();
    }

    [Fact]
    public void Build_PrimaryOnly_OnTheMount()
    {
        var table = Build(new() { ["base"] = new MappingOptions { Upstreams = ["quay.io/a", "ghcr.io/b"], Tags = GroupTagPolicy.PrimaryOnly } });

        table.Global.Mounts.Single().Tags.Should().Be(GroupTagPolicy.PrimaryOnly);
    }

    [Fact]
    public void Build_GroupInVhost_HasTheVhostsKey()
    {
        var table = Build(new() { ["x"] = "quay.io/x" }, vhosts: new() { ["127.0.0.2"] = new VhostOptions { Mappings = new Dictionary<string, MappingOptions> { ["lib"] = Group("quay.io/a", "ghcr.io/b") } } });

        table.Groups.Should().ContainSingle().Which.GroupId.Should().Be("group:vhosts:127.0.0.2:mappings:lib");
    }

    [Fact]
    public void Build_UpstreamsEntryForTheSecondMember_Accepted()
    {
        var table = Build(new() { ["lib"] = Group("quay.io/a", "http://127.0.0.1:5102/b") }, new() { ["127.0.0.1:5102"] = new UpstreamOptions { Username = "robot", Password = "secret" } });

        table.UpstreamOptions["127.0.0.1:5102"].Username.Should().Be("robot");
    }

    [Fact]
    public void Build_SameRegistryTwoNamespaces_OneUpstreamTwoMembers()
    {
        var table = Build(new() { ["lib"] = Group("quay.io/a", "quay.io/b") });

        var mount = table.Global.Mounts.Single();
        mount.Members.Should().HaveCount(2);
        mount.Members[0].Upstream.Should().BeSameAs(mount.Members[1].Upstream);
        table.Upstreams.Should().ContainSingle();
    }

    [Fact]
    public void Build_EmptyGroup_NamesKeyAndFix()
    {
        var act = () => Build(new() { ["lib"] = Group() });

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "mappings:lib").WithMessage("*names no upstream*");
    }

    [Theory]
    [InlineData("quay.io/a", "quay.io/a")]
    [InlineData("quay.io/a", "https://quay.io/a/")]
    [InlineData("docker.io/library", "registry-1.docker.io/library")]
    public void Build_SameMemberTwice_NamesTheSecondAndFix(string first, string second)
    {
        var act = () => Build(new() { ["lib"] = Group(first, second) });

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "mappings:lib:1").WithMessage("*twice*Keep one*");
    }

    [Theory]
    [InlineData("ftp://quay.io/a")]
    [InlineData("https://")]
    public void Build_MemberDoesNotParse_NamesTheMember(string bad)
    {
        var act = () => Build(new() { ["lib"] = Group("quay.io/a", bad) });

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "mappings:lib:1");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Build_PassthroughMember_RefusedNamingTheGroupAndTheUpstream(int passthrough)
    {
        string[] members = ["http://127.0.0.1:5102/a", "http://127.0.0.1:5103/b"];
        var authority = passthrough == 0 ? "127.0.0.1:5102" : "127.0.0.1:5103";

        var act = () => Build(new() { ["lib"] = Group(members) }, new() { [authority] = new UpstreamOptions { Auth = UpstreamAuthMode.Passthrough } });

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "mappings:lib")
            .WithMessage($"*pass-through upstream '{authority}'*mount a pass-through upstream on its own*");
    }

    [Fact]
    public void Build_PassthroughMemberInVhostGroup_NamesTheVhostsKey()
    {
        var act = () => Build(
            new() { ["x"] = "quay.io/x" },
            new() { ["ghcr.io"] = new UpstreamOptions { Auth = UpstreamAuthMode.Passthrough } },
            new() { ["127.0.0.2"] = new VhostOptions { Mappings = new Dictionary<string, MappingOptions> { ["lib"] = Group("quay.io/a", "ghcr.io/b") } } });

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "vhosts:127.0.0.2:mappings:lib");
    }

    [Fact]
    public void Build_PassthroughUpstreamMountedAlone_Accepted()
    {
        var table = Build(new() { ["lib"] = Group("quay.io/a", "ghcr.io/b"), ["own"] = "http://127.0.0.1:5102/own" }, new() { ["127.0.0.1:5102"] = new UpstreamOptions { Auth = UpstreamAuthMode.Passthrough } });

        table.Groups.Should().ContainSingle();
    }
}
