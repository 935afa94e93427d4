using System.Net;
using Collage.Tests.Functional.Observability;
using static Collage.Tests.Functional.Groups.GroupAnswers;

namespace Collage.Tests.Functional.Groups;

/// <summary>
/// The gauge <c>collage_upstream_breaker_state{upstream}</c> on <c>/metrics</c> (0 closed, 1 open, 2 half-open), and the
/// request counters naming the member that answered. Alone, after the parallel tests: meters are process-wide.
/// </summary>
[Collection(ProcessMetersCollection.Name)]
public sealed class GroupBreakerMetricsTests
{
    private const string ManifestPath = "/v2/lib/app/manifests/v1";
    private const string Gauge = "collage_upstream_breaker_state";

    private static async Task<IReadOnlyList<double>> StateAsync(GroupGateway gateway, MemberRegistry member, double expected)
    {
        var text = await Eventually.GetAsync(
            () => gateway.Client.GetStringAsync("/metrics"),
            t => PrometheusText.Samples(t, Gauge, ("upstream", member.Authority)) is [var value] && value == expected);
        return PrometheusText.Samples(text, Gauge, ("upstream", member.Authority));
    }

    [Fact]
    public async Task Metrics_BreakerOpensProbesAndCloses_GaugeFollows()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        first.SetTag("app", "v1", Manifest);
        second.SetTag("app", "v1", OtherManifest);
        first.Fault = MemberFault.Reset;
        await using var gateway = await GroupGateway.StartAsync(first, second);
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(OtherManifest);

        var open = await StateAsync(gateway, first, 1);
        var secondClosed = await StateAsync(gateway, second, 0);

        first.Fault = MemberFault.Hang;
        gateway.PassBreakDuration();
        var asked = first.Requests.Count;
        var probe = gateway.GetAsync(ManifestPath);
        await Caching.CachedCollage.UntilAsync(() => first.Requests.Count > asked);
        var halfOpen = await StateAsync(gateway, first, 2);
        (await probe).Response.StatusCode.Should().Be(HttpStatusCode.OK);

        first.Fault = MemberFault.None;
        gateway.PassBreakDuration();
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(Manifest);
        var closed = await StateAsync(gateway, first, 0);

        open.Should().Equal(1);
        secondClosed.Should().Equal(0);
        halfOpen.Should().Equal(2);
        closed.Should().Equal(0);
    }

    [Fact]
    public async Task Metrics_RequestAnsweredBySecondMember_CountedUnderTheSecond()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "v1", Manifest);
        await using var gateway = await GroupGateway.StartAsync(first, second);

        (await gateway.GetAsync(ManifestPath)).Response.StatusCode.Should().Be(HttpStatusCode.OK);

        var text = await Eventually.GetAsync(
            () => gateway.Client.GetStringAsync("/metrics"),
            t => PrometheusText.Samples(t, "collage_requests_total", ("upstream", second.Authority)).Count > 0);
        PrometheusText.Samples(text, "collage_requests_total", ("mount", "lib"), ("upstream", second.Authority), ("kind", "manifest"), ("status", "200")).Should().Equal(1);
        PrometheusText.Samples(text, "collage_requests_total", ("upstream", first.Authority)).Should().BeEmpty("the client's request was answered by the second member");
    }
}
