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

/// <summary>A group member's circuit breaker on a fake clock: open for the break duration, then one probe.</summary>
public sealed class MemberHealthTests : IDisposable
{
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new();
    private readonly MountTable _table = MountTableBuilder.Build(new CollageOptions
    {
        Mappings = new Dictionary<string, MappingOptions> { ["lib"] = new MappingOptions { Upstreams = ["first.test/team", "second.test/team"] } },
        Http = new UpstreamHttpOptions { BreakDuration = BreakDuration },
    });

    private readonly MemberBreaker _breaker;
    private int _calls;

    public MemberHealthTests()
    {
        var health = new MemberHealth(_time, new GroupLog(new RecordingLogger<MemberHealthTests>()), new CollageMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        _breaker = health.For(_table, _table.Global.Mounts.Single().Members[0].Upstream);
    }

    [Fact]
    public async Task SendAsync_NoAnswer_SkippedForTheBreakDurationThenTheNextRequestIsTheProbe()
    {
        await FailAsync();
        _breaker.State.Should().Be(CircuitState.Open, "a member that gave no answer opens its breaker at once");

        _time.Advance(BreakDuration - TimeSpan.FromSeconds(1));
        await SkippedAsync("the break duration is not over");

        _time.Advance(TimeSpan.FromSeconds(1));
        using var response = await _breaker.SendAsync(_ => AnswerAsync(HttpStatusCode.OK), CancellationToken.None);
        _calls.Should().Be(2, "once the break duration is over the next request is the probe, and it reached the member");
        _breaker.State.Should().Be(CircuitState.Closed, "the probe was answered");
    }

    [Fact]
    public async Task SendAsync_ProbeInFlight_OtherRequestsSkipTheMemberWithoutACall()
    {
        await FailAsync();
        _time.Advance(BreakDuration);
        var held = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = _breaker.SendAsync(_ =>
        {
            _calls++;
            started.SetResult();
            return held.Task;
        }, CancellationToken.None);

        // Polly runs its state-change callbacks on a thread of its own before the call: wait for the call itself.
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _breaker.State.Should().Be(CircuitState.HalfOpen);
        var other = () => _breaker.SendAsync(_ => AnswerAsync(HttpStatusCode.OK), CancellationToken.None);
        await other.Should().ThrowAsync<BrokenCircuitException>("half-open lets one probe through");
        _calls.Should().Be(2, "the failure and the probe; the other request made no call");

        held.SetException(new HttpRequestException("refused", null, null));
        var failed = () => probe;
        await failed.Should().ThrowAsync<HttpRequestException>();
        _breaker.State.Should().Be(CircuitState.Open, "a failed probe opens the breaker for another break duration");
        await SkippedAsync("the failed probe opened the breaker again");
        _time.Advance(BreakDuration);
        using var response = await _breaker.SendAsync(_ => AnswerAsync(HttpStatusCode.OK), CancellationToken.None);
        _calls.Should().Be(3, "the next break duration over, the next probe");
    }

    public void Dispose() => _services.Dispose();

    private async Task FailAsync()
    {
        var send = () => _breaker.SendAsync(_ =>
        {
            _calls++;
            return Task.FromException<HttpResponseMessage>(new HttpRequestException("refused", null, null));
        }, CancellationToken.None);
        await send.Should().ThrowAsync<HttpRequestException>();
    }

    private async Task SkippedAsync(string because)
    {
        var calls = _calls;
        var send = () => _breaker.SendAsync(_ => AnswerAsync(HttpStatusCode.OK), CancellationToken.None);
        await send.Should().ThrowAsync<BrokenCircuitException>(because);
        _calls.Should().Be(calls, "an open breaker skips its member without a call: {0}", because);
    }

    private Task<HttpResponseMessage> AnswerAsync(HttpStatusCode status)
    {
        _calls++;
        return Task.FromResult(new HttpResponseMessage(status));
    }
}
