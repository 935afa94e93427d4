using Collage.Transforms.Authentication;

namespace Collage.Tests.Authentication;

public class AuthenticationChallengeParserTests
{
    private static IReadOnlyList<AuthenticationChallenge> Parse(params string[] headerValues)
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.Unauthorized);
        foreach (var value in headerValues)
        {
            response.Headers.TryAddWithoutValidation("WWW-Authenticate", value);
        }

        return AuthenticationChallengeParser.Parse(response.Headers);
    }

    [Fact]
    public void Parse_NoHeader_ReturnsEmpty()
    {
        Parse().Should().BeEmpty();
    }

    [Fact]
    public void Parse_DistributionChallenge_ReadsAllParameters()
    {
        var challenge = Parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:samalba/my-app:pull,push\"")
            .Should().ContainSingle().Subject;

        challenge.Scheme.Should().Be("Bearer");
        challenge.IsBearer.Should().BeTrue();
        challenge.Parameters.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["realm"] = "https://auth.docker.io/token",
            ["service"] = "registry.docker.io",
            ["scope"] = "repository:samalba/my-app:pull,push",
        });
    }

    [Fact]
    public void Parse_QuotedValuesWithCommas_KeepsCommasInsideValues()
    {
        var challenge = Parse("Bearer realm=\"http://127.0.0.1:5/token?x=a,b\",scope=\"repository:a/b:pull,push\"").Should().ContainSingle().Subject;

        challenge.Parameters["realm"].Should().Be("http://127.0.0.1:5/token?x=a,b");
        challenge.Parameters["scope"].Should().Be("repository:a/b:pull,push");
    }

    [Fact]
    public void Parse_EscapedQuotesAndBackslashes_AreUnescaped()
    {
        var challenge = Parse("Bearer realm=\"https://a/t\",error_description=\"say \\\"hi\\\", ok\",service=\"a\\\\b\"").Should().ContainSingle().Subject;

        challenge.Parameters["error_description"].Should().Be("say \"hi\", ok");
        challenge.Parameters["service"].Should().Be("a\\b");
    }

    [Fact]
    public void Parse_SeveralChallengesInOneHeader_SplitsThem()
    {
        var challenges = Parse("Bearer realm=\"https://a/t\",scope=\"repository:x:pull,push\", Basic realm=\"registry, the\"");

        challenges.Select(c => c.Scheme).Should().Equal("Bearer", "Basic");
        challenges[0].Parameters["scope"].Should().Be("repository:x:pull,push");
        challenges[1].Parameters["realm"].Should().Be("registry, the");
        challenges[1].IsBearer.Should().BeFalse();
    }

    [Fact]
    public void Parse_RfcExampleWithTwoChallenges_SplitsThem()
    {
        // RFC 7235 section 4.1's own example.
        var challenges = Parse("Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\"");

        challenges.Should().HaveCount(2);
        challenges[0].Parameters.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["realm"] = "apps",
            ["type"] = "1",
            ["title"] = "Login to \"apps\"",
        });
        challenges[1].Parameters["realm"].Should().Be("simple");
    }

    [Fact]
    public void Parse_SeveralHeaders_ReadsEachInOrder()
    {
        var challenges = Parse("Basic realm=\"x\"", "Bearer realm=\"https://a/t\"");

        challenges.Select(c => c.Scheme).Should().Equal("Basic", "Bearer");
        challenges[1].Parameters["realm"].Should().Be("https://a/t");
    }

    [Fact]
    public void Parse_AnyParameterOrder_ReadsSameValues()
    {
        var challenge = Parse("Bearer scope=\"repository:a:pull\" , service=reg,realm=\"https://a/t\"").Should().ContainSingle().Subject;

        challenge.Parameters["realm"].Should().Be("https://a/t");
        challenge.Parameters["service"].Should().Be("reg");
        challenge.Parameters["scope"].Should().Be("repository:a:pull");
    }

    [Fact]
    public void Parse_LowerCaseSchemeAndUpperCaseNames_MatchCaseInsensitively()
    {
        var challenge = Parse("bearer REALM=\"https://a/t\",Service=\"reg\"").Should().ContainSingle().Subject;

        challenge.IsBearer.Should().BeTrue();
        challenge.TryGetParameter("realm", out var realm).Should().BeTrue();
        realm.Should().Be("https://a/t");
        challenge.Parameters["SERVICE"].Should().Be("reg");
    }

    [Fact]
    public void Parse_UnquotedTokens_AreRead()
    {
        var challenge = Parse("Bearer realm=\"https://a/t\",service=registry.example.com,error=invalid_token").Should().ContainSingle().Subject;

        challenge.Parameters["service"].Should().Be("registry.example.com");
        challenge.Parameters["error"].Should().Be("invalid_token");
    }

    [Fact]
    public void Parse_OddWhitespace_IsTolerated()
    {
        var challenge = Parse("  bearer   realm=\"https://a/t\" ,\tservice=\"reg\" ,, scope=\"a b\" , ").Should().ContainSingle().Subject;

        challenge.Parameters.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["realm"] = "https://a/t",
            ["service"] = "reg",
            ["scope"] = "a b",
        });
    }

    [Fact]
    public void Parse_WhitespaceAroundEquals_IsTolerated()
    {
        // RFC 7230 section 3.2.3: a recipient must accept "bad whitespace" around the "=".
        var challenge = Parse("Basic realm = \"x\"").Should().ContainSingle().Subject;

        challenge.Parameters["realm"].Should().Be("x");
    }

    [Fact]
    public void Parse_SchemeOnly_HasNoParameters()
    {
        var challenge = Parse("Bearer").Should().ContainSingle().Subject;

        challenge.IsBearer.Should().BeTrue();
        challenge.Parameters.Should().BeEmpty();
    }

    [Fact]
    public void Parse_SameSchemeTwice_KeepsBoth()
    {
        var challenges = Parse("Bearer realm=\"https://a/t\", Bearer realm=\"https://b/t\"");

        challenges.Select(c => c.Parameters["realm"]).Should().Equal("https://a/t", "https://b/t");
    }

    [Fact]
    public void Parse_UnquotedValueWithSlashes_DropsParametersInsteadOfMisreading()
    {
        // The lenient TryParseList would turn this into a parameter named "t".
        var challenge = Parse("Bearer realm=https://a/t").Should().ContainSingle().Subject;

        challenge.IsBearer.Should().BeTrue();
        challenge.Parameters.Should().BeEmpty();
    }

    [Fact]
    public void Parse_MissingCommaBetweenParameters_DropsParameters()
    {
        var challenge = Parse("Bearer realm=\"https://a/t\" service=\"x\"").Should().ContainSingle().Subject;

        challenge.Parameters.Should().BeEmpty();
    }

    [Fact]
    public void Parse_RepeatedParameter_DropsParameters()
    {
        // RFC 7235 section 2.1: each parameter name MUST only occur once per challenge.
        var challenge = Parse("Bearer realm=\"https://a/t\", REALM=\"https://evil/t\"").Should().ContainSingle().Subject;

        challenge.Parameters.Should().BeEmpty();
    }

    [Fact]
    public void Parse_Token68_HasNoParameters()
    {
        var challenge = Parse("Negotiate a87421000492aa874209af8bc028").Should().ContainSingle().Subject;

        challenge.Scheme.Should().Be("Negotiate");
        challenge.Parameters.Should().BeEmpty();
    }

    [Fact]
    public void Parse_UnterminatedQuote_SkipsThatHeaderOnly()
    {
        var challenges = Parse("Bearer realm=\"https://a/t\", scope=\"unterminated", "Basic realm=\"x\"");

        challenges.Should().ContainSingle().Which.Scheme.Should().Be("Basic");
    }

    [Fact]
    public void Parse_UnquotedValueWithColons_SkipsThatHeader()
    {
        // ':' is no token character (RFC 7230 section 3.2.6), so System.Net.Http rejects the
        // whole header value; the upstream's 401 then goes to the client as it is.
        Parse("Bearer realm=\"https://a/t\",scope=repository:x:pull").Should().BeEmpty();
    }
}
