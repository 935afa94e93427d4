using System.Text;
using Collage.Proxy.Ui.Manifests;

namespace Collage.Tests.Ui;

public sealed class UiImageConfigTests
{
    [Fact]
    public void Parse_Config_CreatedPlatformAndSortedLabels()
    {
        var config = UiImageConfig.Parse(Encoding.UTF8.GetBytes("""
            {"created":"2026-11-30T12:00:00Z","os":"linux","architecture":"arm64","variant":"v8",
             "config":{"Labels":{"z.last":"2","a.first":"1","not.text":3}}}
            """));

        config!.Created.Should().Be("2026-11-30T12:00:00Z");
        config.Platform.Should().Be("linux/arm64/v8");
        config.Labels.Should().Equal(KeyValuePair.Create("a.first", "1"), KeyValuePair.Create("z.last", "2"));
    }

    [Fact]
    public void Parse_NoLabelsNoCreated_Empty()
    {
        var config = UiImageConfig.Parse(Encoding.UTF8.GetBytes("""{"config":{"Labels":null}}"""));

        config!.Created.Should().BeNull();
        config.Platform.Should().BeNull();
        config.Labels.Should().BeEmpty();
    }

    [Fact]
    public void Parse_NotJson_Null()
    {
        UiImageConfig.Parse(Encoding.UTF8.GetBytes("\u0001\u0002")).Should().BeNull();
    }
}
