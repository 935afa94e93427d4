using System.Text;
using System.Text.Json;
using Collage.Transforms.Rewriting;

namespace Collage.Tests.Rewriting;

public sealed class TagsListRewriterTests
{
    [Theory]
    [InlineData("etcd", "", "{\"name\":\"etcd\",\"tags\":[]}")]
    [InlineData("cool/stuff/x", "v1", "{\"name\":\"cool/stuff/x\",\"tags\":[\"v1\"]}")]
    [InlineData("hub/nginx", "1.25,latest,stable-alpine", "{\"name\":\"hub/nginx\",\"tags\":[\"1.25\",\"latest\",\"stable-alpine\"]}")]
    [InlineData("a.b/c_d/e__f", "_x,A-b.C", "{\"name\":\"a.b/c_d/e__f\",\"tags\":[\"_x\",\"A-b.C\"]}")]
    public void Serialize_NameAndTags_IsSpecJson(string name, string tags, string expected)
    {
        var list = tags.Length == 0 ? [] : tags.Split(',');

        Encoding.UTF8.GetString(TagsListRewriter.Serialize(name, list)).Should().Be(expected);
    }

    [Fact]
    public void Serialize_NoTags_IsEmptyArrayNotNull()
    {
        using var document = JsonDocument.Parse(TagsListRewriter.Serialize("etcd", []));

        document.RootElement.GetProperty("tags").ValueKind.Should().Be(JsonValueKind.Array);
        document.RootElement.GetProperty("tags").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public void Serialize_KeepsOrder()
    {
        using var document = JsonDocument.Parse(TagsListRewriter.Serialize("etcd", ["b", "a", "c"]));

        document.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().Equal("b", "a", "c");
    }

    [Fact]
    public void Serialize_ManyTags_RoundTrips()
    {
        var tags = Enumerable.Range(0, 5000).Select(i => $"v{i:D5}").ToArray();

        using var document = JsonDocument.Parse(TagsListRewriter.Serialize("big/repo", tags));

        document.RootElement.GetProperty("name").GetString().Should().Be("big/repo");
        document.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().Equal(tags);
    }
}
