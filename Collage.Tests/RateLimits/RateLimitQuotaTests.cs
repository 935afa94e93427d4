using Collage.Transforms.RateLimits;

namespace Collage.Tests.RateLimits;

public sealed class RateLimitQuotaTests
{
    [Theory]
    [InlineData("100;w=21600", 100L, 21600L)]
    [InlineData("0;w=21600", 0L, 21600L)]
    [InlineData("76", 76L, null)]
    [InlineData(" 89 ; w=21600 ", 89L, 21600L)]
    [InlineData("100;comment=\"x\";W=60", 100L, 60L)]
    [InlineData("100;w=abc", 100L, null)]
    [InlineData("100, 100;w=60", 100L, null)]
    [InlineData("10;w=3600, 100;w=86400", 10L, 3600L)]
    public void TryParse_DockerHubAndDraftForms_ReadsTheLeadingNumberAndItsWindow(string value, long expected, long? window)
    {
        RateLimitQuota.TryParse(value, out var quota).Should().BeTrue();

        quota.Should().Be(new RateLimitQuota(expected, window));
    }

    [Theory]
    [InlineData("")]
    [InlineData(";w=21600")]
    [InlineData("abc")]
    [InlineData("-1;w=21600")]
    [InlineData("+5")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    public void TryParse_NoLeadingCount_IsNoQuota(string value)
    {
        RateLimitQuota.TryParse(value, out _).Should().BeFalse();
    }

    [Fact]
    public void Read_HeaderPresent_ParsesIt()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("RateLimit-Remaining", "3;w=21600");

        RateLimitQuota.Read(response, RateLimitQuota.RemainingHeader).Should().Be(new RateLimitQuota(3, 21600));
        RateLimitQuota.Read(response, RateLimitQuota.LimitHeader).Should().BeNull();
    }

    [Fact]
    public void Read_UnusableHeader_IsNull()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("ratelimit-limit", "lots");

        RateLimitQuota.Read(response, RateLimitQuota.LimitHeader).Should().BeNull();
    }
}
