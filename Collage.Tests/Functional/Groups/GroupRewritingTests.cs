using System.Net;
using static Collage.Tests.Functional.Groups.GroupAnswers;

namespace Collage.Tests.Functional.Groups;

/// <summary>
/// What the second member answers with comes back in local names: its <c>Link</c> and <c>Location</c> rewritten from
/// that member's names (not the first's), its blob redirect followed server-side from that member's URI, and the
/// access log naming it.
/// </summary>
public sealed class GroupRewritingTests
{
    [Fact]
    public async Task GetBlob_SecondMemberRedirectsToItsCdnPath_FollowedThereClientSeesNoLocation()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        var blob = Blob();
        var digest = second.AddBlob("app", blob);
        second.RedirectBlobs = true;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync($"/v2/lib/app/blobs/{digest}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Equal(blob);
        response.Headers.Location.Should().BeNull("the client only ever talks to Collage");
        response.Headers.GetValues("Docker-Content-Digest").Should().Equal(digest);
        second.Count($"/cdn/{digest["sha256:".Length..]}").Should().Be(1, "the relative Location is resolved against the member that sent it");
        first.Requests.Should().NotContain(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetManifest_SecondMembersLinkAndLocation_InLocalNames()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        var digest = second.SetTag("app", "v1", Manifest);
        second.Decorate = context =>
        {
            context.Response.Headers.Link = "</v2/uptwo/app/referrers/" + digest + "?n=1>; rel=\"next\"";
            context.Response.Headers.Location = $"http://{second.Authority}/v2/uptwo/app/manifests/{digest}";
        };
        first.Fault = MemberFault.Unavailable;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync("/v2/lib/app/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Equal(Manifest);
        response.Headers.GetValues("Link").Should().Equal($"</v2/lib/app/referrers/{digest}?n=1>; rel=\"next\"");
        response.Headers.Location!.OriginalString.Should().Be($"/v2/lib/app/manifests/{digest}");
        ShouldNameNoMember(response, body, first, second);
    }

    [Fact]
    public async Task GetTags_MembersPagedByLink_MergedAnswersLinkIsLocal()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "a", Manifest);
        second.SetTag("app", "b", Manifest);
        second.TagPageSize = 1;
        first.Fault = MemberFault.Reset;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync("/v2/lib/app/tags/list?n=1");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        System.Text.Encoding.UTF8.GetString(body).Should().Be("""{"name":"lib/app","tags":["a"]}""");
        response.Headers.GetValues("Link").Should().Equal("</v2/lib/app/tags/list?n=1&last=a>; rel=\"next\"");
        ShouldNameNoMember(response, body, first, second);
    }

    [Fact]
    public async Task GetManifest_AnsweredBySecond_AccessLogNamesTheSecond()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "v1", Manifest);
        first.Fault = MemberFault.InternalError;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        (await gateway.GetAsync("/v2/lib/app/manifests/v1")).Response.StatusCode.Should().Be(HttpStatusCode.OK);

        var line = await Observability.Eventually.GetAsync(
            () => Task.FromResult(gateway.Server.Logs.Lines.FirstOrDefault(l => l.Contains("Collage.AccessLog", StringComparison.Ordinal) && l.Contains("/v2/lib/app/manifests/v1", StringComparison.Ordinal))),
            l => l is not null);
        line.Should().Contain($"upstream={second.Authority}").And.NotContain(first.Authority);
    }
}
