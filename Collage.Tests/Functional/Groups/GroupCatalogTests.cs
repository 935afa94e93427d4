using System.Net;
using static Collage.Tests.Functional.Groups.GroupAnswers;

namespace Collage.Tests.Functional.Groups;

/// <summary><c>_catalog</c> with a group: every member's repositories under the group's local prefix, merged.</summary>
public sealed class GroupCatalogTests
{
    [Fact]
    public async Task GetCatalog_TwoMembers_UnionOfTheirRepositoriesInLocalNames()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        first.SetTag("app", "v1", Manifest);
        first.SetTag("only-first", "v1", Manifest);
        second.SetTag("app", "v1", Manifest);
        second.SetTag("only-second", "v1", Manifest);
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync("/v2/_catalog");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        System.Text.Encoding.UTF8.GetString(body).Should().Be("""{"repositories":["lib/app","lib/only-first","lib/only-second"]}""");
    }

    [Fact]
    public async Task GetCatalog_FirstMemberFails_LeftOut()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        first.SetTag("only-first", "v1", Manifest);
        second.SetTag("only-second", "v1", Manifest);
        first.Fault = MemberFault.Unavailable;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync("/v2/_catalog");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        System.Text.Encoding.UTF8.GetString(body).Should().Be("""{"repositories":["lib/only-second"]}""");
        ShouldNameNoMember(response, body, first, second);
    }
}
