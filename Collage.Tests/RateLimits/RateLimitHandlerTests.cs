using System.Net;
using System.Text.Json;
using Collage.Tests.Authentication;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.RateLimits;
using Microsoft.Extensions.Logging;

namespace Collage.Tests.RateLimits;

public sealed class RateLimitHandlerTests : IDisposable
{
    private readonly RateLimitHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Send_429WithRetryAfter30_AnswersLocallyFor30SecondsThenGoesUpstream()
    {
        var first = true;
        var upstream = new ScriptedHandler(_ =>
        {
            var answer = first ? RateLimitHarness.TooManyRequests("30") : ScriptedHandler.Json("{}");
            first = false;
            return answer;
        });
        var client = _harness.Client(upstream);

        using var refused = await RateLimitHarness.GetAsync(client);
        var local = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            _harness.Time.Advance(TimeSpan.FromSeconds(9));
            local.Add(await RateLimitHarness.GetAsync(client));
        }

        var sentDuringBackoff = upstream.Sent.Count;
        _harness.Time.Advance(TimeSpan.FromSeconds(3));
        using var after = await RateLimitHarness.GetAsync(client);

        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        RateLimitHandler.IsBackoffAnswer(refused).Should().BeFalse("the upstream's own 429 passes on unchanged");
        (await refused.Content.ReadAsStringAsync()).Should().Contain("pull rate limit");
        local.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.TooManyRequests && RateLimitHandler.IsBackoffAnswer(r));
        local.Select(r => r.Headers.RetryAfter!.Delta).Should().Equal(TimeSpan.FromSeconds(21), TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(3));
        sentDuringBackoff.Should().Be(1);
        after.StatusCode.Should().Be(HttpStatusCode.OK);
        upstream.Sent.Should().HaveCount(2);
        local.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task Send_DuringBackoff_RetryAfterIsTheRemainingSecondsRoundedUp()
    {
        var client = _harness.Client(new ScriptedHandler(_ => RateLimitHarness.TooManyRequests("30")));
        using (await RateLimitHarness.GetAsync(client))
        {
        }

        _harness.Time.Advance(TimeSpan.FromSeconds(29.2));
        using var response = await RateLimitHarness.GetAsync(client);

        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Send_DuringBackoff_AnswersAnOciErrorThatNamesNoUpstream()
    {
        var client = _harness.Client(new ScriptedHandler(_ => RateLimitHarness.TooManyRequests("120")));
        using (await RateLimitHarness.GetAsync(client))
        {
        }

        using var response = await RateLimitHarness.GetAsync(client);

        var body = await response.Content.ReadAsStringAsync();
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        using var document = JsonDocument.Parse(body);
        document.RootElement.GetProperty("errors")[0].GetProperty("code").GetString().Should().Be("TOOMANYREQUESTS");
        body.Should().NotContain(RateLimitHarness.Authority).And.NotContain("team/app");
        response.RequestMessage!.RequestUri!.AbsolutePath.Should().Be("/v2/team/app/manifests/v1");
    }

    [Fact]
    public async Task Send_429WithHttpDateRetryAfter_BacksOffUntilThatDate()
    {
        var retryAt = _harness.Time.GetUtcNow().AddSeconds(90);
        var upstream = new ScriptedHandler(_ => RateLimitHarness.TooManyRequests(retryAt.ToString("R")));
        var client = _harness.Client(upstream);
        using (await RateLimitHarness.GetAsync(client))
        {
        }

        _harness.Time.Advance(TimeSpan.FromSeconds(89));
        using var stillLocal = await RateLimitHarness.GetAsync(client);
        _harness.Time.Advance(TimeSpan.FromSeconds(1));
        using var upstreamAgain = await RateLimitHarness.GetAsync(client);

        RateLimitHandler.IsBackoffAnswer(stillLocal).Should().BeTrue();
        stillLocal.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        RateLimitHandler.IsBackoffAnswer(upstreamAgain).Should().BeFalse();
        upstream.Sent.Should().HaveCount(2);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("soon")]
    [InlineData("0")]
    [InlineData("Sat, 01 Mar 2025 11:00:00 GMT")]
    public async Task Send_429WithoutUsableRetryAfter_BacksOffForTheConfiguredDefault(string? retryAfter)
    {
        var upstream = new ScriptedHandler(_ => RateLimitHarness.TooManyRequests(retryAfter));
        var client = _harness.Client(upstream, defaultBackoff: TimeSpan.FromSeconds(45));
        using (await RateLimitHarness.GetAsync(client))
        {
        }

        using var local = await RateLimitHarness.GetAsync(client);
        _harness.Time.Advance(TimeSpan.FromSeconds(45));
        using (await RateLimitHarness.GetAsync(client))
        {
        }

        local.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(45));
        upstream.Sent.Should().HaveCount(2);
    }

    [Fact]
    public async Task Send_429WithRetryAfterOfADay_IsCappedAtAnHour()
    {
        var client = _harness.Client(new ScriptedHandler(_ => RateLimitHarness.TooManyRequests("86400")));
        using (await RateLimitHarness.GetAsync(client))
        {
        }

        _harness.Backoff.TryGetRemaining(RateLimitHarness.Authority, out var remaining).Should().BeTrue();

        remaining.Should().Be(RateLimitHandler.MaxBackoff).And.Be(TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Send_OtherStatuses_NeverBackOff()
    {
        var statuses = new Queue<HttpStatusCode>([HttpStatusCode.ServiceUnavailable, HttpStatusCode.Forbidden, HttpStatusCode.OK]);
        var upstream = new ScriptedHandler(_ =>
        {
            var response = new HttpResponseMessage(statuses.Dequeue());
            response.Headers.TryAddWithoutValidation("Retry-After", "30");
            return response;
        });
        var client = _harness.Client(upstream);

        for (var i = 0; i < 3; i++)
        {
            using var response = await RateLimitHarness.GetAsync(client);
            RateLimitHandler.IsBackoffAnswer(response).Should().BeFalse();
        }

        upstream.Sent.Should().HaveCount(3);
        _harness.Log.Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task Send_429_LogsOneWarningWithTheUpstreamAndTheWaitButNoUrl()
    {
        var client = _harness.Client(new ScriptedHandler(_ => RateLimitHarness.TooManyRequests("30")));

        for (var i = 0; i < 3; i++)
        {
            using var response = await RateLimitHarness.GetAsync(client);
        }

        var entry = _harness.Log.Entries.Should().ContainSingle().Subject;
        entry.Level.Should().Be(LogLevel.Warning);
        entry.EventId.Id.Should().Be(EventIds.UpstreamBackoffEntered);
        entry.Message.Should().Contain(RateLimitHarness.Authority).And.Contain("30 s").And.NotContain("https://").And.NotContain("/v2/");
    }

    [Fact]
    public async Task Send_Two429sInFlightAtOnce_LogOneBackoff()
    {
        var upstream = new GatedHandler(() => RateLimitHarness.TooManyRequests("30")) { Expected = 2 };
        var client = _harness.Client(upstream);

        var first = RateLimitHarness.GetAsync(client);
        var second = RateLimitHarness.GetAsync(client);
        await upstream.Arrived;
        upstream.Release();
        using var one = await first;
        using var two = await second;

        upstream.Count.Should().Be(2);
        RateLimitHandler.IsBackoffAnswer(one).Should().BeFalse();
        RateLimitHandler.IsBackoffAnswer(two).Should().BeFalse();
        _harness.Log.Entries.Should().ContainSingle();
    }

    [Fact]
    public async Task Send_TwoClientsOfOneUpstream_ShareTheBackoff()
    {
        // A reload rebuilds the upstream's client; the new one is built on the same UpstreamBackoff.
        var before = new ScriptedHandler(_ => RateLimitHarness.TooManyRequests("30"));
        var after = new ScriptedHandler(_ => ScriptedHandler.Json("{}"));
        using (await RateLimitHarness.GetAsync(_harness.Client(before)))
        {
        }

        using var response = await RateLimitHarness.GetAsync(_harness.Client(after));

        RateLimitHandler.IsBackoffAnswer(response).Should().BeTrue();
        after.Sent.Should().BeEmpty();
    }
}
