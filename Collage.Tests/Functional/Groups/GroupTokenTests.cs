using System.Net;
using static Collage.Tests.Functional.Groups.GroupAnswers;

namespace Collage.Tests.Functional.Groups;

/// <summary>
/// Each member behind its own Bearer token server: Collage does each member's token dance with that member's realm and
/// scope, and a token issued for one member never reaches another (the Authorization each fake saw).
/// </summary>
public sealed class GroupTokenTests
{
    private static void ShouldHaveSeenOnlyItsOwnTokens(MemberRegistry member, MemberRegistry other)
    {
        var authorizations = member.Requests.Select(r => r.Header("Authorization")).OfType<string>().ToList();
        authorizations.Should().NotBeEmpty($"{member.Namespace} wants a token");
        authorizations.Should().OnlyContain(a => a.StartsWith($"Bearer {member.Namespace}-token-", StringComparison.Ordinal), "a member sees only tokens its own server issued");
        authorizations.Should().NotContain(a => a.Contains(other.Namespace, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(MemberFault.None)]
    [InlineData(MemberFault.Unavailable)]
    [InlineData(MemberFault.TooManyRequests)]
    public async Task GetManifest_FirstMemberMissesOrFailsAfterItsTokenDance_SecondGetsOnlyItsOwnToken(MemberFault fault)
    {
        await using var first = await MemberRegistry.StartAsync("upone", withTokenServer: true);
        await using var second = await MemberRegistry.StartAsync("uptwo", withTokenServer: true);
        var digest = second.SetTag("app", "v1", Manifest);
        first.Fault = fault;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync("/v2/lib/app/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Equal(Manifest);
        response.Headers.GetValues("Docker-Content-Digest").Should().Equal(digest);
        ShouldHaveSeenOnlyItsOwnTokens(first, second);
        ShouldHaveSeenOnlyItsOwnTokens(second, first);
        first.TokenServer!.Requests.Should().ContainSingle().Which.Query["service"].ToString().Should().Be("upone-registry");
        first.TokenServer.Requests[0].Query["scope"].ToString().Should().Be("repository:upone/app:pull");
        second.TokenServer!.Requests.Should().ContainSingle().Which.Query["service"].ToString().Should().Be("uptwo-registry");
        second.TokenServer.Requests[0].Query["scope"].ToString().Should().Be("repository:uptwo/app:pull");
        response.Headers.WwwAuthenticate.Should().BeEmpty("the client never sees a member's challenge");
    }

    [Fact]
    public async Task GetBlob_SeveralRequestsAcrossBothMembers_EachMemberReusesItsOwnToken()
    {
        await using var first = await MemberRegistry.StartAsync("upone", withTokenServer: true);
        await using var second = await MemberRegistry.StartAsync("uptwo", withTokenServer: true);
        var onFirst = first.AddBlob("app", Blob(seed: 1));
        var onSecond = second.AddBlob("app", Blob(seed: 2));
        await using var gateway = await GroupGateway.StartAsync(first, second);

        for (var i = 0; i < 2; i++)
        {
            (await gateway.GetAsync($"/v2/lib/app/blobs/{onFirst}")).Body.Should().Equal(Blob(seed: 1));
            (await gateway.GetAsync($"/v2/lib/app/blobs/{onSecond}")).Body.Should().Equal(Blob(seed: 2));
        }

        ShouldHaveSeenOnlyItsOwnTokens(first, second);
        ShouldHaveSeenOnlyItsOwnTokens(second, first);
        first.TokenServer!.Fetches.Should().Be(1, "the first member's token is cached for its own scope");
        second.TokenServer!.Fetches.Should().Be(1);
    }

    [Fact]
    public async Task GetManifest_FirstMemberHangsWithAToken_SecondAsksItsOwnServer()
    {
        await using var first = await MemberRegistry.StartAsync("upone", withTokenServer: true);
        await using var second = await MemberRegistry.StartAsync("uptwo", withTokenServer: true);
        first.SetTag("app", "v1", OtherManifest);
        second.SetTag("app", "v1", Manifest);
        await using var gateway = await GroupGateway.StartAsync(first, second);
        (await gateway.GetAsync("/v2/lib/app/manifests/v1")).Body.Should().Equal(OtherManifest);

        first.Fault = MemberFault.Hang;
        var (response, body) = await gateway.GetAsync("/v2/lib/app/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Equal(Manifest);
        ShouldHaveSeenOnlyItsOwnTokens(first, second);
        ShouldHaveSeenOnlyItsOwnTokens(second, first);
        second.TokenServer!.Requests.Should().ContainSingle();
    }
}
