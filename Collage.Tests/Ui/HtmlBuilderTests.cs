using Collage.Proxy.Ui;

namespace Collage.Tests.Ui;

public sealed class HtmlBuilderTests
{
    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("\"><img src=x onerror=alert(1)>")]
    [InlineData("' onmouseover='alert(1)")]
    public void TextAndAttr_Markup_NeverWrittenAsMarkup(string hostile)
    {
        var html = new HtmlBuilder().Raw("<p").Attr("data-x", hostile).Raw(">").Text(hostile).Raw("</p>").ToString();

        html.Should().NotContain("<script").And.NotContain("<img").And.NotContain("'");
        html.Count(c => c == '"').Should().Be(2, "only the attribute's own quotes remain");
        html.Should().StartWith("<p data-x=\"").And.EndWith("</p>");
    }

    [Fact]
    public void Link_EncodesHrefAndText()
    {
        var html = new HtmlBuilder().Link("/ui/tag?name=a&tag=<b>", "a<b>", "tag-link", "first").ToString();

        html.Should().Be("<a id=\"first\" class=\"tag-link\" href=\"/ui/tag?name=a&amp;tag=&lt;b&gt;\">a&lt;b&gt;</a>");
    }
}
