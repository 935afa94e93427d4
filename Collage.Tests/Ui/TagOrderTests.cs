using Collage.Proxy.Ui;

namespace Collage.Tests.Ui;

public sealed class TagOrderTests
{
    [Fact]
    public void Version_NumbersCompareAsNumbers()
    {
        string[] tags = ["1.10", "1.9", "1.9.1", "latest", "v2", "v10", "1.2-rc1", "1.2", "01", "1"];

        tags.Order(TagOrder.Version).Should().Equal("01", "1", "1.2", "1.2-rc1", "1.9", "1.9.1", "1.10", "latest", "v2", "v10");
    }

    [Fact]
    public void Version_LongDigitRuns_NoOverflow()
    {
        var big = "9" + new string('0', 40);
        TagOrder.Version.Compare(big, "9" + new string('0', 39)).Should().BePositive();
        TagOrder.Version.Compare("t" + big, "t" + big).Should().Be(0);
    }

    [Theory]
    [InlineData("a", "b")]
    [InlineData("1.9", "1.10")]
    [InlineData("2024-01-09", "2024-01-10")]
    public void Version_Antisymmetric(string lower, string higher)
    {
        TagOrder.Version.Compare(lower, higher).Should().BeNegative();
        TagOrder.Version.Compare(higher, lower).Should().BePositive();
    }
}
