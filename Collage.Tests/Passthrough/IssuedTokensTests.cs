using Collage.Transforms.Passthrough;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Passthrough;

public sealed class IssuedTokensTests
{
    [Fact]
    public void IssuedFor_OnlyItsUpstreams_UntilExpiryPlusLeeway()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var issued = new IssuedTokens(time);
        issued.Add("tok", ["https://a"], TimeSpan.FromSeconds(300));

        issued.IsIssuedFor("tok", "https://a").Should().BeTrue();
        issued.IsIssuedFor("tok", "https://b").Should().BeFalse();
        issued.IsIssuedFor("other", "https://a").Should().BeFalse();

        time.Advance(TimeSpan.FromSeconds(359));
        issued.IsIssuedFor("tok", "https://a").Should().BeTrue();
        time.Advance(TimeSpan.FromSeconds(2));
        issued.IsIssuedFor("tok", "https://a").Should().BeFalse();
    }

    [Fact]
    public void Add_BeyondCapacity_StaysBounded()
    {
        var issued = new IssuedTokens(TimeProvider.System, maxEntries: 8);
        for (var i = 0; i < 100; i++)
        {
            issued.Add($"tok-{i}", ["https://a"], TimeSpan.FromMinutes(5));
        }

        issued.Count.Should().BeLessThanOrEqualTo(8);
        issued.IsIssuedFor("tok-99", "https://a").Should().BeTrue("the newest token is kept");
    }
}
