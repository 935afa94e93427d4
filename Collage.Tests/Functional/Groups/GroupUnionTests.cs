using System.Net;
using static Collage.Tests.Functional.Groups.GroupAnswers;

namespace Collage.Tests.Functional.Groups;

/// <summary>
/// A group serves the union of its members: a 404 on one tries the next; by-digest requests go to any member, by-tag
/// requests follow the tag policy (<c>first-healthy</c>: the first member that has the tag; <c>primary-only</c>: the
/// first member only, the second never asked); a tag on both resolves to the first member's digest.
/// </summary>
public sealed class GroupUnionTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("first-healthy")]
    [InlineData("primary-only")]
    public async Task GetManifestByDigest_OnlyOnSecond_Found(string? tags)
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        var digest = second.AddManifest("app", Manifest);
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], tags);

        var (response, body) = await gateway.GetAsync($"/v2/lib/app/manifests/{digest}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Equal(Manifest);
        response.Headers.GetValues("Docker-Content-Digest").Should().Equal(digest);
        first.Count($"/v2/upone/app/manifests/{digest}").Should().Be(1, "the first member is asked first");
        second.Count($"/v2/uptwo/app/manifests/{digest}").Should().Be(1);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("primary-only")]
    public async Task GetBlob_OnlyOnSecond_Found(string? tags)
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        var blob = Blob();
        var digest = second.AddBlob("app", blob);
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], tags);

        var (response, body) = await gateway.GetAsync($"/v2/lib/app/blobs/{digest}");
        var (head, _) = await gateway.GetAsync($"/v2/lib/app/blobs/{digest}", HttpMethod.Head);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Equal(blob);
        head.StatusCode.Should().Be(HttpStatusCode.OK);
        head.Content.Headers.ContentLength.Should().Be(blob.Length);
        first.Count($"/v2/upone/app/blobs/{digest}").Should().Be(2);
        second.Count($"/v2/uptwo/app/blobs/{digest}").Should().Be(2);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("first-healthy")]
    public async Task GetManifestByTag_FirstHealthyOnlyOnSecond_Found(string? tags)
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        var digest = second.SetTag("app", "v1", Manifest);
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], tags);

        var (response, body) = await gateway.GetAsync("/v2/lib/app/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Equal(Manifest);
        response.Headers.GetValues("Docker-Content-Digest").Should().Equal(digest);
        first.Count("/v2/upone/app/manifests/v1").Should().Be(1);
        second.Count("/v2/uptwo/app/manifests/v1").Should().Be(1);
    }

    [Fact]
    public async Task GetManifestByTag_PrimaryOnlyOnlyOnSecond_404AndSecondNotAsked()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "v1", Manifest);
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], "primary-only");

        var (response, body) = await gateway.GetAsync("/v2/lib/app/manifests/v1");
        var (head, _) = await gateway.GetAsync("/v2/lib/app/manifests/v1", HttpMethod.Head);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        ErrorCode(body).Should().Be("MANIFEST_UNKNOWN");
        ShouldNameNoMember(response, body, first, second);
        head.StatusCode.Should().Be(HttpStatusCode.NotFound);
        first.Count("/v2/upone/app/manifests/v1").Should().Be(2);
        second.Requests.Should().BeEmpty("under primary-only a by-tag request goes to the first member only");
    }

    [Fact]
    public async Task GetManifestByTag_PrimaryOnlyFirstFails_FailureAndSecondNotAsked()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "v1", Manifest);
        first.Fault = MemberFault.Unavailable;
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], "primary-only");

        var (response, body) = await gateway.GetAsync("/v2/lib/app/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        ErrorCode(body).Should().Be("UNAVAILABLE");
        second.Requests.Should().BeEmpty("a stale mirror must not answer a tag under primary-only, not even when the primary is down");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("primary-only")]
    public async Task GetManifestByTag_OnBoth_ResolvesToFirstMembersDigest(string? tags)
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        var firstDigest = first.SetTag("app", "v1", Manifest);
        second.SetTag("app", "v1", OtherManifest);
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], tags);

        var (response, body) = await gateway.GetAsync("/v2/lib/app/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Equal(Manifest);
        response.Headers.GetValues("Docker-Content-Digest").Should().Equal(firstDigest);
        second.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData(MemberFault.Unavailable, MemberFault.None)]
    [InlineData(MemberFault.None, MemberFault.Unavailable)]
    [InlineData(MemberFault.Reset, MemberFault.None)]
    public async Task GetManifest_NotThereAndFailing_TheFailureBeatsTheNotFound(MemberFault firstFault, MemberFault secondFault)
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        first.Fault = firstFault;
        second.Fault = secondFault;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync("/v2/lib/app/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway, "the member that failed may hold the tag: not there is known only when every member says so");
        ErrorCode(body).Should().Be("UNAVAILABLE");
        ShouldNameNoMember(response, body, first, second);
        second.RepositoryRequests.Should().ContainSingle();
    }

    [Fact]
    public async Task GetBlob_OnNoMember_404BlobUnknownFromTheLast()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        await using var gateway = await GroupGateway.StartAsync(first, second);
        var digest = MemberRegistry.DigestOf(Blob());

        var (response, body) = await gateway.GetAsync($"/v2/lib/app/blobs/{digest}");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        ErrorCode(body).Should().Be("BLOB_UNKNOWN");
        first.RepositoryRequests.Should().ContainSingle();
        second.RepositoryRequests.Should().ContainSingle();
    }

    [Fact]
    public async Task GetManifestByTag_ThreeMembersOnlyOnThird_FoundAfterTwo404s()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        await using var third = await MemberRegistry.StartAsync("upthree");
        third.SetTag("app", "v1", Manifest);
        await using var gateway = await GroupGateway.StartAsync(first, second, third);

        var (response, body) = await gateway.GetAsync("/v2/lib/app/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Equal(Manifest);
        first.RepositoryRequests.Should().ContainSingle();
        second.RepositoryRequests.Should().ContainSingle();
        third.RepositoryRequests.Should().ContainSingle().Which.Path.Should().Be("/v2/upthree/app/manifests/v1");
    }
}
