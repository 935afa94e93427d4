using Collage.Proxy.Configuration;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Configuration;

namespace Collage.Tests.Configuration;

public sealed class ConfigSectionTests
{
    private static IConfiguration Config(params (string Key, string Value)[] entries) =>
        new ConfigurationBuilder().AddInMemoryCollection(entries.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value))).Build();

    private static ConfigSection Section(string path, params (string Key, string Value)[] entries) => ConfigSection.Of(Config(entries), path);

    [Theory]
    [InlineData("true", true)]
    [InlineData("False", false)]
    [InlineData("TRUE", true)]
    public void Switch_Boolean_IsItsValue(string text, bool expected)
    {
        new ConfigSection(Config(("Telemetry:Tracing", text))).Switch("Telemetry:Tracing").Should().Be(expected);
    }

    [Fact]
    public void Switch_Unset_IsFallback()
    {
        new ConfigSection(Config()).Switch("Telemetry:Tracing").Should().BeFalse();
        new ConfigSection(Config()).Switch("Telemetry:Tracing", fallback: true).Should().BeTrue();
    }

    [Fact]
    public void Switch_NotBooleanInSection_NamesFullKey()
    {
        var section = Section("Server", ("Server:InlineScheduling", "yes"));

        var act = () => section.Switch("InlineScheduling");

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "Server:InlineScheduling").WithMessage("*'yes' is not a boolean. Write true or false.*");
    }

    [Fact]
    public void Switch_NotBooleanAtRoot_NamesKey()
    {
        var act = () => new ConfigSection(Config(("Telemetry:PlatformMetrics", "1"))).Switch("Telemetry:PlatformMetrics");

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "Telemetry:PlatformMetrics");
    }

    [Fact]
    public void RefuseUnknownKeys_KeyInAnyCase_IsKnown()
    {
        var section = Section("Collage:Health", ("Collage:Health:probeINTERVAL", "00:00:10"));

        section.RefuseUnknownKeys(["ProbeInterval", "ProbeTimeout"]).Duration("ProbeInterval", TimeSpan.Zero).Should().Be(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("ProbInterval", "Invalid configuration at 'Collage:Health:ProbInterval': unknown key 'ProbInterval'. Did you mean 'ProbeInterval'? Allowed here: ProbeInterval, ProbeTimeout.")]
    [InlineData("Retries", "Invalid configuration at 'Collage:Health:Retries': unknown key 'Retries'. Allowed here: ProbeInterval, ProbeTimeout.")]
    public void RefuseUnknownKeys_UnknownKey_NamesFullKeyHintAndList(string key, string message)
    {
        var section = Section("Collage:Health", ($"Collage:Health:{key}", "x"));

        var act = () => section.RefuseUnknownKeys(["ProbeInterval", "ProbeTimeout"]);

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == $"Collage:Health:{key}").WithMessage(message);
    }

    [Fact]
    public void WholeNumber_InRange_IsItsValueAndUnsetIsFallback()
    {
        var section = Section("Server:Limits", ("Server:Limits:MaxRequestLineSize", "8192"));

        section.WholeNumber("MaxRequestLineSize", 4096, min: 256, max: int.MaxValue).Should().Be(8192);
        section.WholeNumber("MaxRequestBodySize", 0L, min: 0, max: int.MaxValue).Should().Be(0L);
    }

    [Theory]
    [InlineData("many")]
    [InlineData("-300")]
    [InlineData("+300")]
    [InlineData("10")]
    [InlineData("2147483648")]
    public void WholeNumber_NotWholeOrOutOfRange_NamesFullKeyAndRange(string text)
    {
        var section = Section("Server:Limits", ("Server:Limits:MaxRequestLineSize", text));

        var act = () => section.WholeNumber("MaxRequestLineSize", 4096, min: 256, max: int.MaxValue);

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "Server:Limits:MaxRequestLineSize")
            .WithMessage($"*'{text}' is not a whole number from 256 to 2147483647. Write one in that range, e.g. 4096*");
    }

    [Theory]
    [InlineData("00:00:10", 10)]
    [InlineData("00:00:00.250", 0.25)]
    [InlineData("1.00:00:00", 86400)]
    public void Duration_Positive_IsItsValue(string text, double seconds)
    {
        Section("Collage:Http", ("Collage:Http:ConnectTimeout", text)).Duration("ConnectTimeout", TimeSpan.Zero).Should().Be(TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public void Duration_Unset_IsFallback()
    {
        Section("Collage:Http").Duration("ConnectTimeout", TimeSpan.FromSeconds(10)).Should().Be(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    public void Duration_NotPositiveTimeSpan_NamesFullKeyAndExample(string text)
    {
        var section = Section("Collage:Http", ("Collage:Http:ConnectTimeout", text));

        var act = () => section.Duration("ConnectTimeout", TimeSpan.FromSeconds(10));

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "Collage:Http:ConnectTimeout")
            .WithMessage($"*'{text}' is not a positive time span. Write it as hh:mm:ss, e.g. \"00:00:30\"*");
    }
}
