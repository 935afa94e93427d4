using System.Net;
using System.Net.Http;
using Collage.Transforms.Groups;
using Polly;

namespace Collage.Tests.Groups;

/// <summary>What counts as a member failing: no answer, or an answer that is the registry failing; nothing else.</summary>
public sealed class MemberOutcomeTests
{
    [Theory]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(429, true)]
    [InlineData(200, false)]
    [InlineData(206, false)]
    [InlineData(307, false)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(416, false)]
    public void IsFailureStatus_FiveHundredsAnd429Only(int status, bool failure)
    {
        MemberOutcome.IsFailureStatus(status).Should().Be(failure);
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        MemberOutcome.IsErrorAnswer(Outcome.FromResult(response)).Should().Be(failure && status != 429, "a 429 is the rate-limit back-off's, not the breaker's");
        MemberOutcome.IsNoAnswer(Outcome.FromResult(response)).Should().BeFalse("an answer is an answer");
    }

    public static TheoryData<Exception, bool> Exceptions => new()
    {
        { new HttpRequestException(HttpRequestError.ConnectionError, "refused"), true },
        { new HttpRequestException(HttpRequestError.SecureConnectionError, "tls"), true },
        { new IOException("reset"), true },
        { new TimeoutException("no headers"), true },
        { new OperationCanceledException("client left"), false },
        { new TaskCanceledException("client left"), false },
        { new InvalidOperationException("bug"), false },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void IsNoAnswer_RefusedResetTlsTimeout_NotTheClientLeaving(Exception exception, bool noAnswer)
    {
        MemberOutcome.IsNoAnswer(exception).Should().Be(noAnswer);
        MemberOutcome.IsNoAnswer(Outcome.FromException<HttpResponseMessage>(exception)).Should().Be(noAnswer);
        MemberOutcome.IsErrorAnswer(Outcome.FromException<HttpResponseMessage>(exception)).Should().BeFalse();
    }

    [Fact]
    public void Describe_EachKind_WithoutAUrl()
    {
        using var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        MemberOutcome.Describe(Outcome.FromException<HttpResponseMessage>(new TimeoutException())).Should().Be("no response headers within the response-header timeout");
        MemberOutcome.Describe(Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:5102)")))
            .Should().Be("no answer (ConnectionError)");
        MemberOutcome.Describe(Outcome.FromException<HttpResponseMessage>(new IOException("reset by https://registry.lan/v2/x"))).Should().Be("no answer (IOException)");
        MemberOutcome.Describe(Outcome.FromResult(unavailable)).Should().Be("status 503");
    }
}
