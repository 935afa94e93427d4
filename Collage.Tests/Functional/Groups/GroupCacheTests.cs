using System.Net;
using Collage.Tests.Functional.Caching;
using static Collage.Tests.Functional.Groups.GroupAnswers;

namespace Collage.Tests.Functional.Groups;

/// <summary>
/// A group with the pull-through cache on is one cached namespace: content fetched through the group from any member
/// is a HIT afterwards with every member down; a tag past its TTL whose first member fails is answered fresh by the
/// second (not STALE), and STALE only when every member failed.
/// </summary>
public sealed class GroupCacheTests
{
    private const string ManifestPath = "/v2/lib/app/manifests/v1";
    private static readonly TimeSpan PastTagTtl = TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1);

    [Fact]
    public async Task GetBlob_FetchedFromSecondMember_HitAfterwardsWithBothDown()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        var blob = Blob();
        var digest = second.AddBlob("app", blob);
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], cache: true);
        var path = $"/v2/lib/app/blobs/{digest}";
        var (miss, missBody) = await gateway.GetAsync(path);
        await gateway.UntilFilledAsync();

        await first.StopAsync();
        await second.StopAsync();
        var (hit, hitBody) = await gateway.GetAsync(path);
        var (head, _) = await gateway.GetAsync(path, HttpMethod.Head);

        miss.StatusCode.Should().Be(HttpStatusCode.OK);
        miss.XCache().Should().Be("MISS");
        missBody.Should().Equal(blob);
        hit.StatusCode.Should().Be(HttpStatusCode.OK);
        hit.XCache().Should().Be("HIT");
        hitBody.Should().Equal(blob);
        hit.ContentDigest().Should().Be(digest);
        head.XCache().Should().Be("HIT");
        head.Content.Headers.ContentLength.Should().Be(blob.Length);
        second.RepositoryRequests.Should().ContainSingle("the cache fetched it once, from the member that has it");
    }

    [Theory]
    [InlineData(MemberFault.Hang)]
    [InlineData(MemberFault.Unavailable)]
    [InlineData(MemberFault.Reset)]
    public async Task GetBlob_CacheFillFirstMemberFails_FilledFromSecond(MemberFault fault)
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        var blob = Blob();
        var digest = first.AddBlob("app", blob);
        second.AddBlob("app", blob);
        first.Fault = fault;
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], cache: true);

        var (response, body) = await gateway.GetAsync($"/v2/lib/app/blobs/{digest}");
        await gateway.UntilFilledAsync();
        var (hit, hitBody) = await gateway.GetAsync($"/v2/lib/app/blobs/{digest}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Equal(blob);
        hit.XCache().Should().Be("HIT");
        hitBody.Should().Equal(blob);
        second.RepositoryRequests.Should().ContainSingle();
    }

    [Fact]
    public async Task GetManifestByDigest_FetchedFromSecondMember_HitWithBothDown()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        var digest = second.AddManifest("app", Manifest);
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], cache: true);
        var path = $"/v2/lib/app/manifests/{digest}";
        (await gateway.GetAsync(path)).Body.Should().Equal(Manifest);
        await gateway.UntilFilledAsync();

        first.Fault = second.Fault = MemberFault.Unavailable;
        var (hit, body) = await gateway.GetAsync(path);

        hit.StatusCode.Should().Be(HttpStatusCode.OK);
        hit.XCache().Should().Be("HIT");
        body.Should().Equal(Manifest);
        hit.ContentDigest().Should().Be(digest);
    }

    [Theory]
    [InlineData(MemberFault.Unavailable)]
    [InlineData(MemberFault.Hang)]
    public async Task GetManifestByTag_PastTtlFirstMemberFailsSecondUp_FreshFromSecondNotStale(MemberFault fault)
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        first.SetTag("app", "v1", Manifest);
        var secondDigest = second.SetTag("app", "v1", OtherManifest);
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], cache: true);
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(Manifest);
        await gateway.UntilFilledAsync();

        first.Fault = fault;
        gateway.Advance(PastTagTtl);
        var (response, body) = await gateway.GetAsync(ManifestPath);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.XCache().Should().NotBe("STALE", "a member answered, so the answer is fresh");
        body.Should().Equal(OtherManifest);
        response.ContentDigest().Should().Be(secondDigest);
        second.RepositoryRequests.Should().NotBeEmpty();
    }

    [Theory]
    [InlineData(MemberFault.Unavailable)]
    [InlineData(MemberFault.Reset)]
    [InlineData(MemberFault.TooManyRequests)]
    public async Task GetManifestByTag_PastTtlEveryMemberFails_Stale(MemberFault fault)
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        var digest = first.SetTag("app", "v1", Manifest);
        second.SetTag("app", "v1", OtherManifest);
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], cache: true);
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(Manifest);
        await gateway.UntilFilledAsync();

        first.Fault = second.Fault = fault;
        gateway.Advance(PastTagTtl);
        var (response, body) = await gateway.GetAsync(ManifestPath);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.XCache().Should().Be("STALE");
        body.Should().Equal(Manifest);
        response.ContentDigest().Should().Be(digest);
        second.RepositoryRequests.Should().NotBeEmpty("stale is served only once every member failed");
        ShouldNameNoMember(response, body, first, second);
    }

    [Fact]
    public async Task GetManifestByTag_PastTtlPrimaryOnlyFirstFails_StaleSecondNotAsked()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        first.SetTag("app", "v1", Manifest);
        second.SetTag("app", "v1", OtherManifest);
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], "primary-only", cache: true);
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(Manifest);
        await gateway.UntilFilledAsync();

        first.Fault = MemberFault.Unavailable;
        gateway.Advance(PastTagTtl);
        var (response, body) = await gateway.GetAsync(ManifestPath);

        response.XCache().Should().Be("STALE", "under primary-only the first member is every member a tag may come from");
        body.Should().Equal(Manifest);
        second.Requests.Should().BeEmpty();
    }
}
