using System.Text;
using Collage.Transforms.Registry;

namespace Collage.Tests.Registry;

public sealed class JsonNameListTests
{
    [Theory]
    [InlineData("{\"name\":\"a\",\"tags\":[\"v1\",\"v2\"]}", new[] { "v1", "v2" })]
    [InlineData("{\"name\":\"a\",\"tags\":null}", new string[0])]
    [InlineData("{\"name\":\"a\"}", new string[0])]
    [InlineData("{\"tags\":[\"v1\",7,null,{},\"v2\"]}", new[] { "v1", "v2" })]
    public void TryRead_ListingObject_ReadsItsStrings(string body, string[] expected)
    {
        List<string> names = [];

        JsonNameList.TryRead(Encoding.UTF8.GetBytes(body), "tags", names).Should().BeTrue();

        names.Should().Equal(expected);
    }

    [Theory]
    [InlineData("[\"v1\"]")]
    [InlineData("\"tags\"")]
    [InlineData("<html>")]
    [InlineData("{\"tags\":[")]
    public void TryRead_NotAListingObject_IsFalse(string body)
    {
        JsonNameList.TryRead(Encoding.UTF8.GetBytes(body), "tags", []).Should().BeFalse();
    }

    [Fact]
    public void Write_WithoutName_IsACatalogBody()
    {
        Encoding.UTF8.GetString(JsonNameList.Write(name: null, "repositories", ["a/b", "c"])).Should().Be("{\"repositories\":[\"a/b\",\"c\"]}");
        Encoding.UTF8.GetString(JsonNameList.Write(name: null, "repositories", [])).Should().Be("{\"repositories\":[]}");
    }
}
