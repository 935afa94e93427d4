using Collage.Proxy.Configuration;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Configuration;

namespace Collage.Tests.Configuration;

public sealed class ConfigurationSwitchTests
{
    private static IConfiguration Config(params (string Key, string Value)[] entries) =>
        new ConfigurationBuilder().AddInMemoryCollection(entries.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value))).Build();

    [Theory]
    [InlineData("true", true)]
    [InlineData("False", false)]
    [InlineData("TRUE", true)]
    public void Read_Boolean_IsItsValue(string text, bool expected)
    {
        ConfigurationSwitch.Read(Config(("Telemetry:Tracing", text)), "Telemetry:Tracing").Should().Be(expected);
    }

    [Fact]
    public void Read_Unset_IsFallback()
    {
        ConfigurationSwitch.Read(Config(), "Telemetry:Tracing").Should().BeFalse();
        ConfigurationSwitch.Read(Config(), "Telemetry:Tracing", fallback: true).Should().BeTrue();
    }

    [Fact]
    public void Read_NotBooleanInSection_NamesFullKey()
    {
        var section = Config(("Server:InlineScheduling", "yes")).GetSection("Server");

        var act = () => ConfigurationSwitch.Read(section, "InlineScheduling");

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "Server:InlineScheduling").WithMessage("*'yes' is not a boolean. Write true or false.*");
    }

    [Fact]
    public void Read_NotBooleanAtRoot_NamesKey()
    {
        var act = () => ConfigurationSwitch.Read(Config(("Telemetry:PlatformMetrics", "1")), "Telemetry:PlatformMetrics");

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "Telemetry:PlatformMetrics");
    }
}
