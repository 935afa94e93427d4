using Collage.Proxy.Health;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Configuration;

namespace Collage.Tests.Health;

public sealed class HealthConfigReaderTests
{
    [Fact]
    public void Read_NothingSet_ProbesOffWithDocumentedDefaults()
    {
        var options = HealthConfigReader.Read(Configuration());

        options.Should().Be(new HealthOptions { ProbeUpstreams = false, ProbeInterval = TimeSpan.FromSeconds(30), ProbeTimeout = TimeSpan.FromSeconds(5) });
    }

    [Fact]
    public void Read_AnyCasing_ReadsEveryKey()
    {
        var options = HealthConfigReader.Read(Configuration(
            ("Collage:health:probeUpstreams", "true"), ("Collage:Health:PROBEINTERVAL", "00:00:10"), ("Collage:Health:ProbeTimeout", "00:00:01")));

        options.Should().Be(new HealthOptions { ProbeUpstreams = true, ProbeInterval = TimeSpan.FromSeconds(10), ProbeTimeout = TimeSpan.FromSeconds(1) });
    }

    [Theory]
    [InlineData("Collage:Health:ProbeUpstream", "true", "unknown key 'ProbeUpstream'")]
    [InlineData("Collage:Health:ProbeUpstreams", "yes", "'yes' is not a boolean")]
    [InlineData("Collage:Health:ProbeInterval", "soon", "'soon' is not a positive time span")]
    [InlineData("Collage:Health:ProbeTimeout", "00:00:00", "'00:00:00' is not a positive time span")]
    public void Read_BadValue_NamesTheKeyAndTheFix(string key, string value, string message)
    {
        var read = () => HealthConfigReader.Read(Configuration((key, value)));

        read.Should().Throw<CollageConfigException>().Which.Message.Should().Contain(message);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}
