using Collage.Transforms.Caching.Serving;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Caching.Serving;

public sealed class ByteRangeTests
{
    private const string ETag = "\"sha256:abc\"";

    [Theory]
    [InlineData("bytes=0-9", 0, 10)]
    [InlineData("bytes=10-19", 10, 20)]
    [InlineData("bytes=90-", 90, 100)]
    [InlineData("bytes=-10", 90, 100)]
    [InlineData("bytes=-1000", 0, 100)]
    [InlineData("bytes=50-5000", 50, 100)]
    [InlineData("bytes=99-99", 99, 100)]
    [InlineData("BYTES= 5 - 6 ", 5, 7)]
    public void TryParse_OneSatisfiableRange_TheBytesToSend(string header, long start, long end)
    {
        ByteRange.TryParse(Request(header), 100, ETag, out var range, out var unsatisfiable).Should().BeTrue();

        range.Should().Be(new ByteRange(start, end));
        range.Length.Should().Be(end - start);
        unsatisfiable.Should().BeFalse();
    }

    [Theory]
    [InlineData("bytes=100-")]
    [InlineData("bytes=150-200")]
    [InlineData("bytes=-0")]
    public void TryParse_PastTheEnd_Unsatisfiable(string header)
    {
        ByteRange.TryParse(Request(header), 100, ETag, out _, out var unsatisfiable).Should().BeFalse();

        unsatisfiable.Should().BeTrue();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("items=0-9")]
    [InlineData("bytes=0-9,20-29")]
    [InlineData("bytes=9-0")]
    [InlineData("bytes=abc")]
    [InlineData("bytes=a-9")]
    [InlineData("bytes=-")]
    [InlineData("bytes=+1-9")]
    public void TryParse_NoneMalformedOrSeveral_WholeContent(string? header)
    {
        ByteRange.TryParse(Request(header), 100, ETag, out _, out var unsatisfiable).Should().BeFalse();

        unsatisfiable.Should().BeFalse();
    }

    [Fact]
    public void TryParse_IfRangeOtherValidator_WholeContent()
    {
        var request = Request("bytes=0-9");
        request.Headers.IfRange = "\"sha256:other\"";

        ByteRange.TryParse(request, 100, ETag, out _, out var unsatisfiable).Should().BeFalse();
        unsatisfiable.Should().BeFalse();
    }

    [Fact]
    public void TryParse_IfRangeSameValidator_TheRange()
    {
        var request = Request("bytes=0-9");
        request.Headers.IfRange = ETag;

        ByteRange.TryParse(request, 100, ETag, out var range, out _).Should().BeTrue();
        range.Should().Be(new ByteRange(0, 10));
    }

    [Fact]
    public void TryParse_TwoRangeHeaders_WholeContent()
    {
        var request = Request(null);
        request.Headers.Range = new Microsoft.Extensions.Primitives.StringValues(["bytes=0-1", "bytes=2-3"]);

        ByteRange.TryParse(request, 100, ETag, out _, out _).Should().BeFalse();
    }

    private static HttpRequest Request(string? range)
    {
        var context = new DefaultHttpContext();
        if (range is not null)
        {
            context.Request.Headers.Range = range;
        }

        return context.Request;
    }
}
