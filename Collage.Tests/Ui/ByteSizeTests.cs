using Collage.Proxy.Ui;

namespace Collage.Tests.Ui;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(999, "999 B")]
    [InlineData(1000, "1 kB")]
    [InlineData(1_260_000, "1.3 MB")]
    [InlineData(7_340_032_000, "7.3 GB")]
    public void Format_DecimalUnits_AsDockerPrints(long bytes, string expected)
    {
        ByteSize.Format(bytes).Should().Be(expected);
    }
}
