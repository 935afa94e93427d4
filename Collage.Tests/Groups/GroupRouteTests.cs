using Collage.Transforms.Configuration;
using Collage.Transforms.Groups;
using Collage.Transforms.Mounts;
using Collage.Transforms.Registry;

namespace Collage.Tests.Groups;

/// <summary>
/// Which members a group request may go to, in order: every member by digest, the first only by tag under
/// <c>primary-only</c>, members without a repository for the name left out; and the member that answered written back.
/// </summary>
public sealed class GroupRouteTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static GroupRoute Route(string localName, GroupTagPolicy tags, params string[] members)
    {
        var table = MountTableBuilder.Build(new CollageOptions
        {
            Mappings = new Dictionary<string, MappingOptions> { ["lib"] = new() { Upstreams = members, Tags = tags } },
        });
        var feature = new RegistryRequestFeature(table, table.Global, mirrorRegistry: null) { Resolution = table.Global.Resolve(localName) };
        return new GroupRoute(feature);
    }

    private static IEnumerable<(string Authority, string Name, int Member)> Names(List<MountResolution> candidates) =>
        candidates.Select(c => (c.Upstream.Authority, c.UpstreamName, c.Member));

    [Theory]
    [InlineData(GroupTagPolicy.FirstHealthy, "v1")]
    [InlineData(GroupTagPolicy.FirstHealthy, Digest)]
    [InlineData(GroupTagPolicy.PrimaryOnly, Digest)]
    [InlineData(GroupTagPolicy.FirstHealthy, null)]
    [InlineData(GroupTagPolicy.PrimaryOnly, null)]
    public void Candidates_ByDigestOrFirstHealthy_EveryMemberInOrder(GroupTagPolicy tags, string? reference)
    {
        var route = Route("lib/app", tags, "quay.io/a", "ghcr.io/b", "http://127.0.0.1:5102/c");

        Names(route.Candidates(reference)).Should().Equal(("quay.io", "a/app", 0), ("ghcr.io", "b/app", 1), ("127.0.0.1:5102", "c/app", 2));
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("latest")]
    [InlineData("list")]
    public void Candidates_ByTagUnderPrimaryOnly_FirstMemberOnly(string reference)
    {
        var route = Route("lib/app", GroupTagPolicy.PrimaryOnly, "quay.io/a", "ghcr.io/b");

        Names(route.Candidates(reference)).Should().Equal(("quay.io", "a/app", 0));
    }

    [Fact]
    public void Candidates_MemberWithoutARepositoryForTheName_LeftOut()
    {
        var route = Route("lib", GroupTagPolicy.FirstHealthy, "quay.io/ns", "ghcr.io", "http://127.0.0.1:5102/other");

        Names(route.Candidates(Digest)).Should().Equal(("quay.io", "ns", 0), ("127.0.0.1:5102", "other", 2));
    }

    [Fact]
    public void Candidates_DockerHubMember_OfficialImageUnderLibrary()
    {
        var route = Route("lib/alpine", GroupTagPolicy.FirstHealthy, "https://mirror.corp.lan/hub", "docker.io");

        Names(route.Candidates("3.20")).Should().Equal(("mirror.corp.lan", "hub/alpine", 0), ("registry-1.docker.io", "library/alpine", 1));
    }

    [Fact]
    public void Answered_SecondMember_WrittenBackOnTheRequestsFeature()
    {
        var route = Route("lib/app", GroupTagPolicy.FirstHealthy, "quay.io/a", "ghcr.io/b");
        var second = route.Candidates("v1")[1];

        route.Answered(second);

        route.Feature.Resolved.Member.Should().Be(1);
        route.Feature.Resolved.Upstream.Authority.Should().Be("ghcr.io");
        route.Feature.Resolved.UpstreamName.Should().Be("b/app");
        route.Mount.GroupId.Should().Be("group:mappings:lib", "the mount stays the group's");
    }
}
