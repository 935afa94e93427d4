using System.Text;
using Collage.Proxy.Ui;

namespace Collage.Tests.Ui;

public sealed class UiAnswerTests
{
    [Fact]
    public void ErrorText_OciError_CodeAndMessage()
    {
        Answer(404, """{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":{"name":"x"}}]}""")
            .ErrorText().Should().Be("NAME_UNKNOWN: repository name not known to registry");
    }

    [Theory]
    [InlineData(200, """{"errors":[{"code":"X"}]}""")]
    [InlineData(502, "<html>bad gateway</html>")]
    [InlineData(502, """{"errors":[]}""")]
    [InlineData(502, """{"errors":"nope"}""")]
    [InlineData(502, "[1]")]
    public void ErrorText_NoOciError_Null(int status, string body)
    {
        Answer(status, body).ErrorText().Should().BeNull();
    }

    [Fact]
    public void IsSuccess_CutBody_NotSuccess()
    {
        (Answer(200, "{}") with { TooLarge = true }).IsSuccess.Should().BeFalse();
        Answer(200, "{}").IsSuccess.Should().BeTrue();
    }

    private static UiAnswer Answer(int status, string body) => new(status, Encoding.UTF8.GetBytes(body), "application/json", null, null, false);
}
