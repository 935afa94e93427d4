using Collage.Proxy.Ui;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Configuration;

namespace Collage.Tests.Ui;

public sealed class UiConfigReaderTests
{
    [Fact]
    public void Read_NothingSet_OnAtSlashUi()
    {
        UiConfigReader.Read(Configuration()).Should().Be(new UiOptions { Enabled = true, Path = "/ui" });
    }

    [Fact]
    public void Read_AnyCasing_ReadsEveryKey()
    {
        UiConfigReader.Read(Configuration(("Collage:ui:enabled", "false"), ("Collage:UI:PATH", "/registry/browse")))
            .Should().Be(new UiOptions { Enabled = false, Path = "/registry/browse" });
    }

    [Theory]
    [InlineData("Collage:Ui:Enable", "true", "unknown key 'Enable'")]
    [InlineData("Collage:Ui:Enabled", "yes", "'yes' is not a boolean")]
    [InlineData("Collage:Ui:Path", "ui", "'ui' is not a page path")]
    [InlineData("Collage:Ui:Path", "/ui/", "'/ui/' is not a page path")]
    [InlineData("Collage:Ui:Path", "/u i", "'/u i' is not a page path")]
    [InlineData("Collage:Ui:Path", "/v2", "'/v2' is Collage's own (/v2)")]
    [InlineData("Collage:Ui:Path", "/V2/ui", "'/V2/ui' is Collage's own (/v2)")]
    [InlineData("Collage:Ui:Path", "/metrics", "is Collage's own (/metrics)")]
    [InlineData("Collage:Ui:Path", "/_collage/ui", "is Collage's own (/_collage)")]
    public void Read_BadValue_NamesTheKeyAndTheFix(string key, string value, string message)
    {
        var read = () => UiConfigReader.Read(Configuration((key, value)));

        var error = read.Should().Throw<CollageConfigException>().Which;
        error.Message.Should().Contain(message);
        error.Message.Should().Contain("Collage:Ui:");
    }

    [Fact]
    public void Read_PathLookingLikeV2Prefix_Accepted()
    {
        // Only the /v2 segment is the registry's: /v2ui is a path of its own.
        UiConfigReader.Read(Configuration(("Collage:Ui:Path", "/v2ui"))).Path.Should().Be("/v2ui");
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}
