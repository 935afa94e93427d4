using Collage.Tests.Authentication;
using Collage.Transforms.RateLimits;

namespace Collage.Tests.RateLimits;

public sealed class RateLimitHandlerGaugeTests : IDisposable
{
    private readonly RateLimitHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Send_DockerHubRateLimitHeaders_SetTheUpstreamsGauges()
    {
        var client = _harness.Client(new ScriptedHandler(_ => WithQuota(ScriptedHandler.Json("{}"), "100;w=21600", "76;w=21600")));

        using var response = await RateLimitHarness.GetAsync(client);

        Gauge("collage.upstream.ratelimit.limit").Should().Equal(100);
        Gauge("collage.upstream.ratelimit.remaining").Should().Equal(76);
        Gauge("collage.upstream.ratelimit.window").Should().Equal(21600);
        _harness.Measurements.Measurements.Where(m => m.Instrument.StartsWith("collage.upstream.ratelimit.", StringComparison.Ordinal))
            .Should().OnlyContain(m => m.Tags.Count == 1 && Equals(m.Tags["upstream"], RateLimitHarness.Authority));
    }

    [Fact]
    public async Task Send_429AtTheLimit_RecordsNothingRemaining()
    {
        var client = _harness.Client(new ScriptedHandler(_ => WithQuota(RateLimitHarness.TooManyRequests("30"), "100;w=21600", "0;w=21600")));

        using var response = await RateLimitHarness.GetAsync(client);

        Gauge("collage.upstream.ratelimit.remaining").Should().Equal(0);
    }

    [Fact]
    public async Task Send_AnswersWithoutTheHeaders_RecordNothing()
    {
        var client = _harness.Client(new ScriptedHandler(_ => ScriptedHandler.Json("{}")));

        using var response = await RateLimitHarness.GetAsync(client);

        _harness.Measurements.Measurements.Should().NotContain(m => m.Instrument.StartsWith("collage.upstream.ratelimit.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_BackoffAnswer_RecordsNoGauge()
    {
        // Only the upstream knows its quota: a local answer must not repeat (or invent) one.
        var client = _harness.Client(new ScriptedHandler(_ => WithQuota(RateLimitHarness.TooManyRequests("30"), "100;w=21600", "0;w=21600")));
        using (await RateLimitHarness.GetAsync(client))
        {
        }

        var recorded = _harness.Measurements.Measurements.Count;
        using var local = await RateLimitHarness.GetAsync(client);

        RateLimitHandler.IsBackoffAnswer(local).Should().BeTrue();
        _harness.Measurements.Measurements.Should().HaveCount(recorded);
    }

    [Fact]
    public async Task Send_OnlyRemaining_UpdatesThatGaugeAndTheWindow()
    {
        var client = _harness.Client(new ScriptedHandler(_ => WithQuota(ScriptedHandler.Json("{}"), null, "9;w=3600")));

        using var response = await RateLimitHarness.GetAsync(client);

        Gauge("collage.upstream.ratelimit.limit").Should().BeEmpty();
        Gauge("collage.upstream.ratelimit.remaining").Should().Equal(9);
        Gauge("collage.upstream.ratelimit.window").Should().Equal(3600);
    }

    private double[] Gauge(string name) =>
        [.. _harness.Measurements.Measurements.Where(m => m.Instrument == name).Select(m => m.Value)];

    private static HttpResponseMessage WithQuota(HttpResponseMessage response, string? limit, string? remaining)
    {
        if (limit is not null)
        {
            response.Headers.TryAddWithoutValidation("ratelimit-limit", limit);
        }

        if (remaining is not null)
        {
            response.Headers.TryAddWithoutValidation("ratelimit-remaining", remaining);
        }

        return response;
    }
}
