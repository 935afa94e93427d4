using System.Net;
using static Collage.Tests.Functional.Access.AccessClient;
using static Collage.Tests.Functional.Access.Tokens.TokenClient;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>
/// Guessing passwords at the token endpoint is throttled like Basic logins (the same limiter): past
/// <c>loginAttempts</c> failures within <c>loginWindow</c> the answer is 429 with Retry-After, for GET and POST alike,
/// and the right password waits for the window too; another name from another address is not held up.
/// </summary>
public sealed class TokenEndpointThrottleTests : IAsyncLifetime
{
    private const int Attempts = 5;
    private TokenGateway _gateway = null!;
    private HttpClient _other = null!;

    public async Task InitializeAsync()
    {
        _gateway = await TokenGateway.StartAsync(access: a =>
        {
            a["loginAttempts"] = Attempts;
            a["loginWindow"] = "00:10:00";
        });
        _other = From(IPAddress.Parse("127.0.0.2"), _gateway.Collage.BaseUri);
    }

    public async Task DisposeAsync()
    {
        _other.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task FiftyWrongPasswords_429WithRetryAfter_RightPasswordToo()
    {
        var answers = new List<TokenAnswer>();
        for (var i = 0; i < 50; i++)
        {
            answers.Add(i % 2 == 0
                ? await _gateway.Client.GetTokenAsync($"alice:guess-{i}", [Pull("internal/b")])
                : await _gateway.Client.PostTokenAsync(PasswordGrant($"alice:guess-{i}", true, Pull("internal/b"))));
        }

        answers.Take(Attempts).Should().OnlyContain(a => a.Status == HttpStatusCode.Unauthorized && a.RetryAfter == null && a.WwwAuthenticate!.StartsWith("Basic ", StringComparison.Ordinal));
        answers.Skip(Attempts).Should().OnlyContain(a => a.Status == HttpStatusCode.TooManyRequests && a.RetryAfter == "600")
            .And.OnlyContain(a => a.Body.Contains("\"code\":\"TOOMANYREQUESTS\"", StringComparison.Ordinal))
            .And.OnlyContain(a => !a.Body.Contains("token\":", StringComparison.Ordinal));

        var right = await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")]);
        var rightPost = await _gateway.Client.PostTokenAsync(PasswordGrant(TokenGateway.Alice, true, Pull("internal/b")));
        var rightBasicOnPull = await _gateway.Client.StatusAsync("/v2/internal/b/manifests/v1", TokenGateway.Alice);
        right.Status.Should().Be(HttpStatusCode.TooManyRequests, "the right password waits too");
        right.RetryAfter.Should().Be("600");
        rightPost.Status.Should().Be(HttpStatusCode.TooManyRequests);
        rightBasicOnPull.Should().Be(HttpStatusCode.TooManyRequests, "one limiter for the token endpoint and Basic on requests");

        (await _other.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")])).Status.Should().Be(HttpStatusCode.TooManyRequests, "the name alice is throttled from anywhere");
        (await _gateway.Client.GetTokenAsync(TokenGateway.Bob, [Pull("library/c")])).Status.Should().Be(HttpStatusCode.TooManyRequests, "this address is throttled for any name");
        (await _other.GetTokenAsync(TokenGateway.Bob, [Pull("library/c")])).Status.Should().Be(HttpStatusCode.OK, "another name from another address");
        (await _gateway.Client.GetTokenAsync(null, [Pull("public/a")])).Status.Should().Be(HttpStatusCode.OK, "no credentials, nothing to throttle");
        _gateway.UpstreamRequestsFor("internal/b").Should().Be(0);
    }

    [Fact]
    public async Task FailedBasicOnRequests_ThrottleTheTokenEndpoint()
    {
        for (var i = 0; i < Attempts; i++)
        {
            (await _other.StatusAsync("/v2/library/c/manifests/v1", $"bob:guess-{i}")).Should().Be(HttpStatusCode.Unauthorized);
        }

        var answer = await _other.PostTokenAsync(PasswordGrant(TokenGateway.Bob, false, Pull("library/c")));

        answer.Status.Should().Be(HttpStatusCode.TooManyRequests);
        answer.RetryAfter.Should().Be("600");
    }

    [Fact]
    public async Task RememberedLogin_WhileItsNameIsThrottled_429_NoGuessingAgainstTheRememberedLogins()
    {
        // alice pulls (her login is remembered for a minute); meanwhile someone guesses her password from elsewhere.
        (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")])).Status.Should().Be(HttpStatusCode.OK);
        for (var i = 0; i < Attempts; i++)
        {
            (await _other.GetTokenAsync($"alice:guess-{i}", [Pull("internal/b")])).Status.Should().Be(HttpStatusCode.Unauthorized);
        }

        // Throttled guesses are not checked; the right one must not stand out from them, or the throttle is an oracle.
        var wrong = await _other.GetTokenAsync("alice:guess-x", [Pull("internal/b")]);
        var right = await _other.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")]);
        var rightPost = await _other.PostTokenAsync(PasswordGrant(TokenGateway.Alice, false, Pull("internal/b")));
        var rightBasic = await _other.StatusAsync("/v2/internal/b/manifests/v1", TokenGateway.Alice);

        wrong.Status.Should().Be(HttpStatusCode.TooManyRequests);
        right.Status.Should().Be(HttpStatusCode.TooManyRequests, "the right password waits while the window lasts, remembered or not");
        rightPost.Status.Should().Be(HttpStatusCode.TooManyRequests);
        rightBasic.Should().Be(HttpStatusCode.TooManyRequests);
    }
}
