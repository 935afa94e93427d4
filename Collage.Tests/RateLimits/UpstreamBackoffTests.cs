using Collage.Transforms.RateLimits;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.RateLimits;

public sealed class UpstreamBackoffTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryGetRemaining_NeverEntered_IsFalse()
    {
        var backoff = new UpstreamBackoff(_time);

        backoff.TryGetRemaining("registry.test", out var remaining).Should().BeFalse();
        remaining.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void TryGetRemaining_WithinTheWait_CountsDownOnTheClock()
    {
        var backoff = new UpstreamBackoff(_time);
        backoff.Enter("registry.test", TimeSpan.FromSeconds(30)).Should().BeTrue();

        _time.Advance(TimeSpan.FromSeconds(12));

        backoff.TryGetRemaining("registry.test", out var remaining).Should().BeTrue();
        remaining.Should().Be(TimeSpan.FromSeconds(18));
    }

    [Fact]
    public void TryGetRemaining_OnceTheWaitIsOver_IsFalse()
    {
        var backoff = new UpstreamBackoff(_time);
        backoff.Enter("registry.test", TimeSpan.FromSeconds(30));

        _time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        backoff.TryGetRemaining("registry.test", out _).Should().BeTrue();
        _time.Advance(TimeSpan.FromTicks(1));

        backoff.TryGetRemaining("registry.test", out var remaining).Should().BeFalse();
        remaining.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void Enter_WhileInBackoff_KeepsTheLaterEndAndIsNoNewEntry()
    {
        var backoff = new UpstreamBackoff(_time);
        backoff.Enter("registry.test", TimeSpan.FromSeconds(60)).Should().BeTrue();

        backoff.Enter("registry.test", TimeSpan.FromSeconds(10)).Should().BeFalse();
        backoff.TryGetRemaining("registry.test", out var afterShorter).Should().BeTrue();
        backoff.Enter("registry.test", TimeSpan.FromSeconds(120)).Should().BeFalse();
        backoff.TryGetRemaining("registry.test", out var afterLonger).Should().BeTrue();

        afterShorter.Should().Be(TimeSpan.FromSeconds(60));
        afterLonger.Should().Be(TimeSpan.FromSeconds(120));
    }

    [Fact]
    public void Enter_AfterAnEarlierBackoffEnded_IsANewEntry()
    {
        var backoff = new UpstreamBackoff(_time);
        backoff.Enter("registry.test", TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(5));

        // Not read in between, so the ended entry is still in the map: it must count as none.
        backoff.Enter("registry.test", TimeSpan.FromSeconds(7)).Should().BeTrue();

        backoff.TryGetRemaining("registry.test", out var remaining).Should().BeTrue();
        remaining.Should().Be(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public void Enter_OneUpstream_LeavesAnotherAlone()
    {
        var backoff = new UpstreamBackoff(_time);

        backoff.Enter("registry.test", TimeSpan.FromSeconds(30));

        backoff.TryGetRemaining("registry.test:5000", out _).Should().BeFalse();
        backoff.TryGetRemaining("other.test", out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Enter_NoPositiveWait_Throws(int seconds)
    {
        var backoff = new UpstreamBackoff(_time);

        var enter = () => backoff.Enter("registry.test", TimeSpan.FromSeconds(seconds));

        enter.Should().Throw<ArgumentOutOfRangeException>();
        backoff.TryGetRemaining("registry.test", out _).Should().BeFalse();
    }
}
