using Collage.Transforms.Rewriting;

namespace Collage.Tests.Rewriting;

public sealed class LinkHeaderTests
{
    [Fact]
    public void Parse_TwoLinkValues_YieldsTargetsAndParametersInOrder()
    {
        var links = LinkHeader.Parse("</v2/a/tags/list?n=2&last=b>; rel=\"next\", <https://x.example/y>; rel=\"other\"; title=\"t, u\"").ToList();

        links.Should().Equal(
            new LinkHeader.LinkValue("/v2/a/tags/list?n=2&last=b", "; rel=\"next\""),
            new LinkHeader.LinkValue("https://x.example/y", "; rel=\"other\"; title=\"t, u\""));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no brackets at all")]
    [InlineData("</v2/a/tags/list; rel=\"next\"")]
    public void Parse_NoCompleteLinkValue_YieldsNothing(string header)
    {
        LinkHeader.Parse(header).Should().BeEmpty();
    }

    [Fact]
    public void Parse_UnclosedSecondValue_KeepsTheFirst()
    {
        LinkHeader.Parse("</v2/_catalog?last=x&n=1000>; rel=\"next\", <broken").Select(l => l.Target).Should().Equal("/v2/_catalog?last=x&n=1000");
    }
}
