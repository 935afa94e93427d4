using System.Net;
using Collage.Tests.Common;
using Collage.Transforms.Authentication;
using Collage.Transforms.Credentials;
using Microsoft.Extensions.Logging;

namespace Collage.Tests.Authentication;

public sealed class BasicAuthenticationTests
{
    private readonly RecordingLogger<UpstreamTokenHandler> _logger = new();

    private BasicAuthentication Create() =>
        new(new UpstreamCredential("user", "p@ss", null, "upstreams:registry.example"), _logger);

    private static IReadOnlyList<AuthenticationChallenge> Challenges(params string[] schemes) =>
        [.. schemes.Select(s => new AuthenticationChallenge(s))];

    [Fact]
    public void Ctor_NoPassword_Throws()
    {
        var act = () => new BasicAuthentication(new UpstreamCredential(null, null, "identity-token", "upstreams:registry.example"), _logger);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Header_IsBasicOfUserColonPassword()
    {
        Create().Header.ToString().Should().Be("Basic dXNlcjpwQHNz");
    }

    [Theory]
    [InlineData(true, "Basic")]
    [InlineData(true, "basic", "Negotiate")]
    [InlineData(false, "Basic", "Bearer")]
    [InlineData(false, "Negotiate")]
    [InlineData(false)]
    public void IsAskedFor_BasicWithoutBearer(bool expected, params string[] schemes)
    {
        BasicAuthentication.IsAskedFor(Challenges(schemes)).Should().Be(expected);
    }

    [Fact]
    public void Observe_Accepted_IsRemembered()
    {
        var basic = Create();
        using var ok = new HttpResponseMessage(HttpStatusCode.OK);

        basic.Observe(ok, "https://registry.example");

        basic.Accepted.Should().BeTrue();
        _logger.Entries.Should().BeEmpty();
    }

    [Fact]
    public void Observe_Unauthorized_ForgetsAndWarnsWithoutTheSecret()
    {
        var basic = Create();
        using var ok = new HttpResponseMessage(HttpStatusCode.OK);
        using var unauthorized = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        basic.Observe(ok, "https://registry.example");

        basic.Observe(unauthorized, "https://registry.example");

        basic.Accepted.Should().BeFalse();
        var warning = _logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Subject;
        warning.Message.Should().Contain("https://registry.example").And.Contain("upstreams:registry.example")
            .And.NotContain("p@ss").And.NotContain("dXNlcjpwQHNz");
    }
}
