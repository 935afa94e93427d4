using System.Text;
using Collage.Transforms.Authentication;

namespace Collage.Tests.Authentication;

public class TokenResponseReaderTests
{
    private static TokenResponse Parse(string json) => TokenResponseReader.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_AllFields_AreRead()
    {
        var response = Parse("""{"token":"abc.def-_~+/==","expires_in":300,"issued_at":"2025-01-01T00:00:00Z"}""");

        response.Token.Should().Be("abc.def-_~+/==");
        response.ExpiresIn.Should().Be(300);
        response.IssuedAt.Should().Be(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Parse_AccessTokenOnly_IsUsed()
    {
        Parse("""{"access_token":"xyz"}""").Token.Should().Be("xyz");
    }

    [Fact]
    public void Parse_BothTokens_PrefersToken()
    {
        Parse("""{"access_token":"b","token":"a"}""").Token.Should().Be("a");
    }

    [Fact]
    public void Parse_OptionalFieldsMissingOrOdd_AreNull()
    {
        var response = Parse("""{"token":"a","expires_in":"300","issued_at":"yesterday"}""");

        response.ExpiresIn.Should().BeNull();
        response.IssuedAt.Should().BeNull();
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"token\"")]
    [InlineData("{}")]
    [InlineData("""{"token":""}""")]
    [InlineData("""{"token":42}""")]
    [InlineData("""{"token":"a b"}""")]
    [InlineData("""{"token":"a\r\nX-Evil: 1"}""")]
    [InlineData("""{"token":"==="}""")]
    [InlineData("""{"token":"a","expires_in":1} trailing""")]
    public void Parse_Garbage_Throws(string json)
    {
        var parse = () => Parse(json);

        parse.Should().Throw<InvalidDataException>();
    }

    [Fact]
    public async Task ReadAsync_BodyOverCap_Throws()
    {
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"token":"{{new string('a', 200)}}"}""")));

        var read = () => TokenResponseReader.ReadAsync(content, maxBytes: 100, default);

        await read.Should().ThrowAsync<InvalidDataException>();
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthOverCap_Throws()
    {
        using var content = new StringContent($$"""{"token":"{{new string('a', 200)}}"}""");

        var read = () => TokenResponseReader.ReadAsync(content, maxBytes: 100, default);

        await read.Should().ThrowAsync<InvalidDataException>().WithMessage("*larger than 100*");
    }

    [Fact]
    public async Task ReadAsync_BodyAtCap_IsRead()
    {
        var json = """{"token":"abc"}""";
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));

        (await TokenResponseReader.ReadAsync(content, maxBytes: json.Length, default)).Token.Should().Be("abc");
    }
}
