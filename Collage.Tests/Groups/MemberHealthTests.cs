using System.Diagnostics.Metrics;
using System.Net;
using Collage.Tests.Common;
using Collage.Transforms.Configuration;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Groups;
using Collage.Transforms.Mounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;

namespace Collage.Tests.Groups;

/// <summary>
/// The members' circuit breakers on a fake clock: no answer opens at once (whatever came before), 5xx/429 by ratio, an
/// open breaker refuses without calling, half-open lets one probe through and the probe decides; one breaker per
/// upstream, shared by every group; one log line per change.
/// </summary>
public sealed class MemberHealthTests : IDisposable
{
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly RecordingLogger<MemberHealthTests> _logger = new();
    private readonly MemberHealth _health;
    private readonly MountTable _table;
    private int _calls;

    public MemberHealthTests()
    {
        _health = new MemberHealth(_time, new GroupLog(_logger), new CollageMetrics(_services.GetRequiredService<IMeterFactory>()));
        _table = Table(BreakDuration);
    }

    public void Dispose() => _services.Dispose();

    private static MountTable Table(TimeSpan breakDuration) => MountTableBuilder.Build(new CollageOptions
    {
        Mappings = new Dictionary<string, MappingOptions>
        {
            ["lib"] = new() { Upstreams = ["http://127.0.0.1:5102/a", "http://127.0.0.1:5103/b"] },
            ["other"] = new() { Upstreams = ["http://127.0.0.1:5104/c", "http://127.0.0.1:5102/d"] },
        },
        Http = new UpstreamHttpOptions { BreakDuration = breakDuration },
    });

    private MemberBreaker First => _health.For(_table, _table.Global.Resolve("lib/x")!.Value.Upstream);

    private Task<HttpResponseMessage> Answer(HttpStatusCode status) =>
        First.SendAsync(_ => { _calls++; return Task.FromResult(new HttpResponseMessage(status)); }, CancellationToken.None);

    private async Task NoAnswer()
    {
        var act = () => First.SendAsync(_ => { _calls++; throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"); }, CancellationToken.None);
        await act.Should().ThrowAsync<HttpRequestException>("the attempt's own failure is what the group sees");
    }

    [Fact]
    public async Task SendAsync_OneNoAnswerOnAnIdleBreaker_Opens()
    {
        await NoAnswer();

        First.State.Should().Be(CircuitState.Open);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(300)]
    [InlineData(3000)]
    public async Task SendAsync_NoAnswerAfterManyAnswers_OpensAtOnce(int answered)
    {
        for (var i = 0; i < answered; i++)
        {
            (await Answer(HttpStatusCode.OK)).Dispose();
        }

        await NoAnswer();

        First.State.Should().Be(CircuitState.Open, "one request without an answer opens the breaker, however busy the member was");
    }

    [Fact]
    public async Task SendAsync_Open_RefusesWithoutCalling()
    {
        await NoAnswer();
        var calls = _calls;

        var act = () => Answer(HttpStatusCode.OK);

        await act.Should().ThrowAsync<BrokenCircuitException>();
        _calls.Should().Be(calls);
    }

    [Fact]
    public async Task SendAsync_AfterBreakDuration_OneProbeWhileOthersAreRefusedThenClosed()
    {
        await NoAnswer();
        _time.Advance(BreakDuration + TimeSpan.FromSeconds(1));
        First.State.Should().Be(CircuitState.Open, "Polly half-opens on the first request after the break");

        var release = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = First.SendAsync(_ => release.Task, CancellationToken.None);
        First.State.Should().Be(CircuitState.HalfOpen);
        var concurrent = () => Answer(HttpStatusCode.OK);
        await concurrent.Should().ThrowAsync<BrokenCircuitException>("half-open lets one probe through");
        release.SetResult(new HttpResponseMessage(HttpStatusCode.NotFound));
        (await probe).Dispose();

        First.State.Should().Be(CircuitState.Closed, "a 404 is an answer");
        _logger.Entries.Select(e => e.Message).Should().Equal(
            "Group member 127.0.0.1:5102 failed (no answer (ConnectionError)); its groups skip it for 30 s",
            "Group member 127.0.0.1:5102: one probe request may try it again",
            "Group member 127.0.0.1:5102 answers again; its groups use it");
    }

    [Fact]
    public async Task SendAsync_ProbeWithoutAnswer_OpenAgainForAnotherBreakDuration()
    {
        await NoAnswer();
        _time.Advance(BreakDuration + TimeSpan.FromSeconds(1));

        await NoAnswer();
        First.State.Should().Be(CircuitState.Open);
        _time.Advance(BreakDuration - TimeSpan.FromSeconds(1));
        var act = () => Answer(HttpStatusCode.OK);
        await act.Should().ThrowAsync<BrokenCircuitException>();
        _time.Advance(TimeSpan.FromSeconds(2));
        (await Answer(HttpStatusCode.OK)).Dispose();

        First.State.Should().Be(CircuitState.Closed);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public async Task SendAsync_ErrorAnswers_OpenAtHalfOfAtLeastTwo(HttpStatusCode status)
    {
        (await Answer(status)).Dispose();
        First.State.Should().Be(CircuitState.Closed, "one error answer of one is below the minimum of two calls");

        (await Answer(status)).Dispose();
        First.State.Should().Be(CircuitState.Open);
    }

    [Fact]
    public async Task SendAsync_RateLimited_LeftToTheBackoffNotCounted()
    {
        for (var i = 0; i < 4; i++)
        {
            (await Answer(HttpStatusCode.TooManyRequests)).Dispose();
        }

        First.State.Should().Be(CircuitState.Closed, "a 429 is the rate-limit back-off's, with the member's own Retry-After");
    }

    [Fact]
    public async Task SendAsync_OneErrorAnswerAmongAnswers_StaysClosed()
    {
        (await Answer(HttpStatusCode.OK)).Dispose();
        (await Answer(HttpStatusCode.OK)).Dispose();
        (await Answer(HttpStatusCode.ServiceUnavailable)).Dispose();
        (await Answer(HttpStatusCode.NotFound)).Dispose();

        First.State.Should().Be(CircuitState.Closed);
        _logger.Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task SendAsync_ClientWentAway_NotCounted()
    {
        for (var i = 0; i < 3; i++)
        {
            var act = () => First.SendAsync(_ => throw new OperationCanceledException(), CancellationToken.None);
            await act.Should().ThrowAsync<OperationCanceledException>();
        }

        First.State.Should().Be(CircuitState.Closed, "a client that went away says nothing about the member");
    }

    [Fact]
    public void For_OneUpstreamInTwoGroups_OneBreaker()
    {
        var inLib = _health.For(_table, _table.Global.Resolve("lib/x")!.Value.Upstream);
        var inOther = _health.For(_table, _table.Global.Resolve("other/x")!.Value.ForMember(1)!.Value.Upstream);

        inOther.Should().BeSameAs(inLib);
        inLib.Authority.Should().Be("127.0.0.1:5102");
    }

    [Fact]
    public async Task States_EveryMemberAsked_ByAuthorityInOrder()
    {
        await NoAnswer();
        _health.For(_table, _table.Global.Resolve("lib/x")!.Value.ForMember(1)!.Value.Upstream);

        _health.States().Should().Equal(("127.0.0.1:5102", CircuitState.Open), ("127.0.0.1:5103", CircuitState.Closed));
    }
}
