using System.Net;
using Collage.Tests.Functional.Infrastructure;
using Collage.Transforms.Upstreams;
using Microsoft.Extensions.DependencyInjection;
using static Collage.Tests.Functional.Groups.GroupAnswers;

namespace Collage.Tests.Functional.Groups;

/// <summary>
/// Each member's circuit breaker: a member that gave no answer (hang, reset, refused) is skipped from the next request
/// on without a request to it (counted at the member, or at Collage's sockets for a closed port); 5xx and 429 open it
/// by ratio; once the break duration has passed (the fake clock) one probe goes to it, and a healthy probe closes it;
/// the three log lines.
/// </summary>
public sealed class GroupBreakerTests
{
    private const string ManifestPath = "/v2/lib/app/manifests/v1";

    [Theory]
    [InlineData(MemberFault.Hang)]
    [InlineData(MemberFault.Reset)]
    public async Task Get_AfterFirstMemberGaveNoAnswer_NextRequestsSkipItWithoutARequest(MemberFault fault)
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "v1", Manifest);
        first.Fault = fault;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        (await gateway.GetAsync(ManifestPath)).Response.StatusCode.Should().Be(HttpStatusCode.OK);
        var asked = first.Requests.Count;
        for (var i = 0; i < 3; i++)
        {
            var (response, body) = await gateway.GetAsync(ManifestPath);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            body.Should().Equal(Manifest);
        }

        asked.Should().BeGreaterThan(0);
        first.Requests.Count.Should().Be(asked, "an open breaker skips the member without a request");
        second.RepositoryRequests.Should().HaveCount(4);
        gateway.Logs.Should().Contain($"Group member {first.Authority} failed (");
    }

    [Fact]
    public async Task Get_AfterFirstMemberRefused_NextRequestsOpenNoConnectionToIt()
    {
        var egress = new EgressRecorder();
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "v1", Manifest);
        await first.StopAsync();
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], services: s => s.AddSingleton<IUpstreamWireTap>(egress));

        (await gateway.GetAsync(ManifestPath)).Response.StatusCode.Should().Be(HttpStatusCode.OK);
        var attempts = egress.Connects.Count(c => c == first.Authority);
        for (var i = 0; i < 3; i++)
        {
            (await gateway.GetAsync(ManifestPath)).Response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        attempts.Should().BeGreaterThan(0);
        egress.Connects.Count(c => c == first.Authority).Should().Be(attempts, "an open breaker skips the member without a connection attempt");
        egress.Requests.Count(u => u.Authority == second.Authority).Should().Be(4);
    }

    [Fact]
    public async Task Get_BreakDurationPassedAndMemberHealthy_OneProbeClosesTheBreaker()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        first.SetTag("app", "v1", Manifest);
        second.SetTag("app", "v1", OtherManifest);
        first.Fault = MemberFault.Hang;
        await using var gateway = await GroupGateway.StartAsync(first, second);
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(OtherManifest);
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(OtherManifest);
        first.Requests.Should().ContainSingle();

        first.Fault = MemberFault.None;
        gateway.PassBreakDuration();
        var (probe, probeBody) = await gateway.GetAsync(ManifestPath);
        var (after, afterBody) = await gateway.GetAsync(ManifestPath);

        probe.StatusCode.Should().Be(HttpStatusCode.OK);
        probeBody.Should().Equal(Manifest, "the probe went to the first member, which answers again");
        afterBody.Should().Equal(Manifest, "a healthy probe closed the breaker");
        first.Requests.Should().HaveCount(3);
        second.RepositoryRequests.Should().HaveCount(2, "the second member is asked only while the first is skipped");
        var logs = gateway.Logs;
        logs.Should().Contain($"Group member {first.Authority} failed (no response headers within the response-header timeout); its groups skip it for 30 s");
        logs.Should().Contain($"Group member {first.Authority}: one probe request may try it again");
        logs.Should().Contain($"Group member {first.Authority} answers again; its groups use it");
        gateway.Server.Logs.Lines.Where(l => l.Contains("Collage.Groups", StringComparison.Ordinal)).Should().NotBeEmpty()
            .And.OnlyContain(l => !l.Contains(first.Namespace, StringComparison.Ordinal) && !l.Contains("/v2/", StringComparison.Ordinal), "the breaker's lines name the member's host:port, no repository or URL");
    }

    [Fact]
    public async Task Get_SystemClockBreakDurationOneSecond_ProbeArrivesAfterItAndCloses()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        first.SetTag("app", "v1", Manifest);
        second.SetTag("app", "v1", OtherManifest);
        first.Fault = MemberFault.Reset;
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], realClockBreakDuration: "00:00:01");
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(OtherManifest);
        var opened = System.Diagnostics.Stopwatch.StartNew();
        var asked = first.Requests.Count;
        first.Fault = MemberFault.None;

        // The signal is the probe arriving at the member; each request until then is answered by the second.
        byte[] body = [];
        while (first.Requests.Count == asked && opened.Elapsed < TimeSpan.FromSeconds(10))
        {
            body = (await gateway.GetAsync(ManifestPath)).Body;
            if (first.Requests.Count == asked)
            {
                body.Should().Equal(OtherManifest);
                await Task.Delay(100);
            }
        }

        first.Requests.Count.Should().Be(asked + 1, "one probe went to the member once the break duration had passed");
        opened.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(0.9), "not before the break duration");
        body.Should().Equal(Manifest);
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(Manifest, "the healthy probe closed the breaker");
    }

    [Fact]
    public async Task Get_ProbeFails_BreakerOpensAgainAndNextRequestsSkipIt()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "v1", Manifest);
        first.Fault = MemberFault.Reset;
        await using var gateway = await GroupGateway.StartAsync(first, second);
        (await gateway.GetAsync(ManifestPath)).Response.StatusCode.Should().Be(HttpStatusCode.OK);
        var beforeProbe = first.Requests.Count;

        gateway.PassBreakDuration();
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(Manifest);
        var afterProbe = first.Requests.Count;
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(Manifest);
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(Manifest);

        afterProbe.Should().BeGreaterThan(beforeProbe, "the break duration passed, so one probe went to the member");
        first.Requests.Count.Should().Be(afterProbe, "the failed probe opened the breaker again");
        second.RepositoryRequests.Should().HaveCount(4);
    }

    [Fact]
    public async Task Get_OneFailureStatusAmongAnswers_DoesNotOpenTheBreaker()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        first.SetTag("app", "v1", Manifest);
        second.SetTag("app", "v1", OtherManifest);
        await using var gateway = await GroupGateway.StartAsync(first, second);
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(Manifest);
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(Manifest);

        first.Fault = MemberFault.Unavailable;
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(OtherManifest);
        first.Fault = MemberFault.None;
        var (response, body) = await gateway.GetAsync(ManifestPath);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Equal(Manifest, "one 503 in three answers is below the 50 % failure ratio");
        first.Requests.Should().HaveCount(4);
        second.RepositoryRequests.Should().ContainSingle();
    }

    [Theory]
    [InlineData(MemberFault.Unavailable)]
    [InlineData(MemberFault.InternalError)]
    public async Task Get_RepeatedFailureStatus_OpensTheBreaker(MemberFault fault)
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "v1", Manifest);
        first.Fault = fault;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        for (var i = 0; i < 5; i++)
        {
            var (response, body) = await gateway.GetAsync(ManifestPath);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            body.Should().Equal(Manifest);
        }

        // 5xx reach the member until the ratio (50 % of at least two calls) opens the breaker.
        first.Requests.Count.Should().Be(2);
        second.RepositoryRequests.Should().HaveCount(5);
        gateway.Logs.Should().Contain($"Group member {first.Authority} failed (status ");
    }

    [Fact]
    public async Task Get_FirstMemberRateLimited_BackedOffForItsRetryAfterWithoutOpeningTheBreaker()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "v1", Manifest);
        first.Fault = MemberFault.TooManyRequests;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        for (var i = 0; i < 5; i++)
        {
            var (response, body) = await gateway.GetAsync(ManifestPath);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            body.Should().Equal(Manifest);
        }

        // The 429 puts the member in the rate-limit back-off at once (its Retry-After): Collage answers for it without
        // a request, the group asks the second member, and the breaker, which would outlast the Retry-After, stays out.
        first.Requests.Should().ContainSingle();
        second.RepositoryRequests.Should().HaveCount(5);
        gateway.Logs.Should().NotContain($"Group member {first.Authority} failed");
    }

    [Fact]
    public async Task Get_MemberThatAnsweredWellThenHangs_SkippedFromTheNextRequest()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        first.SetTag("app", "v1", Manifest);
        second.SetTag("app", "v1", OtherManifest);
        await using var gateway = await GroupGateway.StartAsync(first, second);
        for (var i = 0; i < 4; i++)
        {
            (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(Manifest);
        }

        first.Fault = MemberFault.Hang;
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(OtherManifest);
        var asked = first.Requests.Count;
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(OtherManifest);
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(OtherManifest);

        first.Requests.Count.Should().Be(asked, "a member that gave no answer opens its breaker at once, whatever it answered before, so no further request pays the response-header timeout");
    }

    [Fact]
    public async Task Get_EveryMemberOpen_502WithoutARequestNamingNoMember()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        first.Fault = second.Fault = MemberFault.Reset;
        await using var gateway = await GroupGateway.StartAsync(first, second);
        (await gateway.GetAsync(ManifestPath)).Response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        var (firstAsked, secondAsked) = (first.Requests.Count, second.Requests.Count);

        var (response, body) = await gateway.GetAsync(ManifestPath);

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        ErrorCode(body).Should().Be("UNAVAILABLE");
        ShouldNameNoMember(response, body, first, second);
        first.Requests.Count.Should().Be(firstAsked);
        second.Requests.Count.Should().Be(secondAsked);
    }

    [Fact]
    public async Task Get_BreakerOfAMember_SharedByEveryGroupThatHasIt()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "v1", Manifest);
        first.Fault = MemberFault.Reset;
        await using var gateway = await GroupGateway.StartAsync(
            [first.Source, second.Source],
            extra: new() { ["vhosts"] = new Dictionary<string, object> { ["127.0.0.2"] = new { mappings = new Dictionary<string, object> { ["x"] = new[] { first.Source, second.Source } } } } });
        (await gateway.GetAsync(ManifestPath)).Response.StatusCode.Should().Be(HttpStatusCode.OK);
        var asked = first.Requests.Count;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/x/app/manifests/v1");
        request.Headers.Host = "127.0.0.2";
        using var response = await gateway.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        first.Requests.Count.Should().Be(asked, "a registry that is down is down for every group");
    }
}
