using System.Net;
using System.Text.Json;
using static Collage.Tests.Functional.Groups.GroupAnswers;

namespace Collage.Tests.Functional.Groups;

/// <summary>
/// <c>tags/list</c> of a group: the members' tags merged, sorted, deduplicated and paged by Collage (<c>n</c>,
/// <c>last</c>, <c>Link</c>, <c>ns</c>), each member's own pages followed; the first member's only under
/// <c>primary-only</c>; a failing member left out; every member 404 is NAME_UNKNOWN, every member failing an error.
/// </summary>
public sealed class GroupTagListTests
{
    private const string TagsPath = "/v2/lib/app/tags/list";

    private static async Task<(MemberRegistry First, MemberRegistry Second)> StartMembersAsync()
    {
        var first = await MemberRegistry.StartAsync("upone");
        var second = await MemberRegistry.StartAsync("uptwo");
        foreach (var tag in new[] { "v2", "latest", "v1" })
        {
            first.SetTag("app", tag, Manifest);
        }

        foreach (var tag in new[] { "v3", "v1", "edge" })
        {
            second.SetTag("app", tag, OtherManifest);
        }

        return (first, second);
    }

    private static (string? Name, string[] Tags) Read(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return (document.RootElement.GetProperty("name").GetString(), document.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray());
    }

    [Fact]
    public async Task GetTags_TwoMembers_MergedSortedDeduplicatedInLocalName()
    {
        var (first, second) = await StartMembersAsync();
        await using var _ = first;
        await using var __ = second;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync(TagsPath);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        response.Content.Headers.ContentLength.Should().Be(body.Length);
        Read(body).Should().BeEquivalentTo((Name: "lib/app", Tags: new[] { "edge", "latest", "v1", "v2", "v3" }), o => o.WithStrictOrdering());
        response.Headers.Contains("Link").Should().BeFalse();
        first.Count("/v2/upone/app/tags/list").Should().Be(1);
        second.Count("/v2/uptwo/app/tags/list").Should().Be(1);
    }

    [Fact]
    public async Task GetTags_PagedByCollage_NLastAndLinkWalkTheMergedList()
    {
        var (first, second) = await StartMembersAsync();
        await using var _ = first;
        await using var __ = second;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (page1, body1) = await gateway.GetAsync($"{TagsPath}?n=2");
        var (page2, body2) = await gateway.GetAsync($"{TagsPath}?n=2&last=latest");
        var (page3, body3) = await gateway.GetAsync($"{TagsPath}?n=2&last=v2");
        var (empty, emptyBody) = await gateway.GetAsync($"{TagsPath}?n=2&last=zzz");

        Read(body1).Tags.Should().Equal("edge", "latest");
        page1.Headers.GetValues("Link").Should().Equal("</v2/lib/app/tags/list?n=2&last=latest>; rel=\"next\"");
        Read(body2).Tags.Should().Equal("v1", "v2");
        page2.Headers.GetValues("Link").Should().Equal("</v2/lib/app/tags/list?n=2&last=v2>; rel=\"next\"");
        Read(body3).Tags.Should().Equal("v3");
        page3.Headers.Contains("Link").Should().BeFalse();
        empty.StatusCode.Should().Be(HttpStatusCode.OK);
        Read(emptyBody).Tags.Should().BeEmpty();
    }

    [Fact]
    public async Task GetTags_MembersPageTheirOwnLists_EveryPageOfEachFollowed()
    {
        var (first, second) = await StartMembersAsync();
        await using var _ = first;
        await using var __ = second;
        first.TagPageSize = second.TagPageSize = 1;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync(TagsPath);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Read(body).Tags.Should().Equal("edge", "latest", "v1", "v2", "v3");
        first.Count("/v2/upone/app/tags/list").Should().Be(3);
        second.Count("/v2/uptwo/app/tags/list").Should().Be(3);
    }

    [Fact]
    public async Task GetTags_MembersLinkLeavesItsOrigin_NotFollowed()
    {
        var (first, second) = await StartMembersAsync();
        await using var _ = first;
        await using var __ = second;
        await using var elsewhere = await MemberRegistry.StartAsync("upone");
        elsewhere.SetTag("app", "stolen", Manifest);
        first.Decorate = context => context.Response.Headers.Link = $"<http://{elsewhere.Authority}/v2/upone/app/tags/list?n=1&last=v2>; rel=\"next\"";
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync(TagsPath);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Read(body).Tags.Should().Equal("edge", "latest", "v1", "v2", "v3");
        elsewhere.Requests.Should().BeEmpty("a member's answer must not make Collage call another host");
    }

    [Fact]
    public async Task GetTags_Ns_LinkKeepsTheMirrorsNs()
    {
        var (first, second) = await StartMembersAsync();
        await using var _ = first;
        await using var __ = second;
        await using var gateway = await GroupGateway.StartAsync(
            [first.Source, second.Source],
            extra: new() { ["vhosts"] = new Dictionary<string, object> { ["quay.io"] = new { mappings = new Dictionary<string, object> { ["lib"] = new[] { first.Source, second.Source } } } } });

        var (response, body) = await gateway.GetAsync($"{TagsPath}?n=1&ns=quay.io");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Read(body).Tags.Should().Equal("edge");
        response.Headers.GetValues("Link").Should().Equal("</v2/lib/app/tags/list?n=1&last=edge&ns=quay.io>; rel=\"next\"");
    }

    [Fact]
    public async Task GetTags_PrimaryOnly_FirstMembersTagsOnlyAndSecondNotAsked()
    {
        var (first, second) = await StartMembersAsync();
        await using var _ = first;
        await using var __ = second;
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], "primary-only");

        var (response, body) = await gateway.GetAsync(TagsPath);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Read(body).Tags.Should().Equal("latest", "v1", "v2");
        second.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData(MemberFault.Unavailable)]
    [InlineData(MemberFault.TooManyRequests)]
    [InlineData(MemberFault.Reset)]
    [InlineData(MemberFault.Hang)]
    public async Task GetTags_FirstMemberFails_LeftOutSecondsTagsAnswered(MemberFault fault)
    {
        var (first, second) = await StartMembersAsync();
        await using var _ = first;
        await using var __ = second;
        first.Fault = fault;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync(TagsPath);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Read(body).Tags.Should().Equal("edge", "v1", "v3");
        response.Headers.RetryAfter.Should().BeNull();
    }

    [Fact]
    public async Task GetTags_RepositoryOnlyOnSecond_SecondsTags()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "v1", Manifest);
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync(TagsPath);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Read(body).Tags.Should().Equal("v1");
    }

    [Fact]
    public async Task GetTags_EveryMember404_NameUnknown()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync(TagsPath);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        ErrorCode(body).Should().Be("NAME_UNKNOWN");
        ShouldNameNoMember(response, body, first, second);
    }

    [Theory]
    [InlineData(MemberFault.Unavailable, HttpStatusCode.BadGateway, "UNAVAILABLE")]
    [InlineData(MemberFault.Reset, HttpStatusCode.BadGateway, "UNAVAILABLE")]
    [InlineData(MemberFault.TooManyRequests, HttpStatusCode.TooManyRequests, "TOOMANYREQUESTS")]
    public async Task GetTags_EveryMemberFails_ErrorNamingNoMember(MemberFault fault, HttpStatusCode status, string code)
    {
        var (first, second) = await StartMembersAsync();
        await using var _ = first;
        await using var __ = second;
        first.Fault = second.Fault = fault;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync(TagsPath);

        response.StatusCode.Should().Be(status);
        ErrorCode(body).Should().Be(code);
        ShouldNameNoMember(response, body, first, second);
    }

    [Fact]
    public async Task GetTags_OneMember404OtherFails_TheFailureNotNameUnknown()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "v1", Manifest);
        second.Fault = MemberFault.Unavailable;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync(TagsPath);

        // One member has no such repository, the other could not say: the repository may well exist, so the client
        // is told to come back rather than that the name is unknown.
        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        ErrorCode(body).Should().Be("UNAVAILABLE");
        ShouldNameNoMember(response, body, first, second);
    }
}
