using System.Net;
using System.Text.Json;
using Collage.Tests.Functional.Observability;
using static Collage.Tests.Functional.Groups.GroupAnswers;

namespace Collage.Tests.Functional.Groups;

/// <summary>
/// <c>/readyz</c> with groups: the members' circuit breakers under <c>breakers</c> (closed, open, half-open while the
/// probe request is in flight); with upstream probes on, 200 <c>degraded</c> while a group has a member down and
/// another up, 503 once no member of some mount is up.
/// </summary>
public sealed class GroupReadinessTests
{
    private const string ManifestPath = "/v2/lib/app/manifests/v1";

    private static Dictionary<string, object> Probes() =>
        new() { ["health"] = new Dictionary<string, object> { ["probeUpstreams"] = true, ["probeInterval"] = "00:00:30" } };

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(GroupGateway gateway)
    {
        using var response = await gateway.Client.GetAsync("/readyz");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }

    private static string? Breaker(JsonElement body, MemberRegistry member) =>
        body.TryGetProperty("breakers", out var breakers) && breakers.TryGetProperty(member.Authority, out var state) ? state.GetString() : null;

    [Fact]
    public async Task Readyz_ProbesOnFirstMemberDownSecondUp_200DegradedWithBreakers()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "v1", Manifest);
        await first.StopAsync();
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], extra: Probes());
        (await gateway.GetAsync(ManifestPath)).Response.StatusCode.Should().Be(HttpStatusCode.OK);

        var (status, body) = await Eventually.GetAsync(() => ReadyAsync(gateway), r => r.Body.GetProperty("status").GetString() != "probing");

        status.Should().Be(HttpStatusCode.OK, "the group still has a member up");
        body.GetProperty("status").GetString().Should().Be("degraded");
        body.GetProperty("upstreams").GetProperty(first.Authority).GetString().Should().StartWith("down");
        body.GetProperty("upstreams").GetProperty(second.Authority).GetString().Should().StartWith("up");
        Breaker(body, first).Should().Be("open");
        Breaker(body, second).Should().Be("closed");
    }

    [Fact]
    public async Task Readyz_ProbesOnEveryMemberDown_503UpstreamDown()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        await first.StopAsync();
        await second.StopAsync();
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], extra: Probes());
        (await gateway.GetAsync(ManifestPath)).Response.StatusCode.Should().Be(HttpStatusCode.BadGateway);

        var (status, body) = await Eventually.GetAsync(() => ReadyAsync(gateway), r => r.Body.GetProperty("status").GetString() != "probing");

        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        body.GetProperty("status").GetString().Should().Be("upstream down");
        Breaker(body, first).Should().Be("open");
        Breaker(body, second).Should().Be("open");
    }

    [Fact]
    public async Task Readyz_ProbesOnEveryMemberUp_ReadyAndBreakersClosed()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "v1", Manifest);
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], extra: Probes());
        (await gateway.GetAsync(ManifestPath)).Response.StatusCode.Should().Be(HttpStatusCode.OK);

        var (status, body) = await Eventually.GetAsync(() => ReadyAsync(gateway), r => r.Body.GetProperty("status").GetString() != "probing");

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("status").GetString().Should().Be("ready");
        Breaker(body, first).Should().Be("closed", "a 404 is an answer, not a failure");
        Breaker(body, second).Should().Be("closed");
    }

    [Fact]
    public async Task Readyz_BreakerThroughItsStates_OpenHalfOpenWhileProbingThenClosed()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        first.SetTag("app", "v1", Manifest);
        second.SetTag("app", "v1", OtherManifest);
        first.Fault = MemberFault.Reset;
        await using var gateway = await GroupGateway.StartAsync(first, second);
        var (before, _) = await ReadyAsync(gateway);
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(OtherManifest);
        var (_, open) = await ReadyAsync(gateway);

        // The probe: the first member holds it (no headers) while /readyz is read, then times out.
        first.Fault = MemberFault.Hang;
        gateway.PassBreakDuration();
        var asked = first.Requests.Count;
        var probe = gateway.GetAsync(ManifestPath);
        await Caching.CachedCollage.UntilAsync(() => first.Requests.Count > asked);
        var (_, halfOpen) = await ReadyAsync(gateway);
        (await probe).Body.Should().Equal(OtherManifest);
        var (_, reopened) = await ReadyAsync(gateway);

        first.Fault = MemberFault.None;
        gateway.PassBreakDuration();
        (await gateway.GetAsync(ManifestPath)).Body.Should().Equal(Manifest);
        var (after, closed) = await ReadyAsync(gateway);

        before.Should().Be(HttpStatusCode.OK);
        Breaker(open, first).Should().Be("open");
        Breaker(halfOpen, first).Should().Be("half-open");
        Breaker(reopened, first).Should().Be("open");
        Breaker(closed, first).Should().Be("closed");
        after.Should().Be(HttpStatusCode.OK);
        closed.GetProperty("status").GetString().Should().Be("ready", "probes are off: readiness is the config");
    }
}
