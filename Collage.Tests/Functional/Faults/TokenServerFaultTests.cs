using System.Net;
using Collage.Tests.Functional.Authentication;
using Collage.Tests.Functional.Infrastructure;
using Collage.Transforms.Authentication;
using Collage.Transforms.Upstreams;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Functional.Faults;

/// <summary>
/// A token server that is down or answers garbage: every client gets a clear OCI 401 that names no realm,
/// and the token server sees one request per failure back-off, however many clients retry.
/// </summary>
public sealed class TokenServerFaultTests
{
    public static TheoryData<string> Garbage => ["html", "no-token", "not-json", "500", "huge"];

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Get_TokenServerAnswersGarbage_ClearOciErrorAndOneFetchForManyRequests(string kind)
    {
        await using var tokens = await FakeTokenServer.StartAsync();
        tokens.Respond = (context, _) => kind switch
        {
            "html" => Write(context, 200, "text/html", "<html><body>Sign in to continue</body></html>"),
            "no-token" => Write(context, 200, "application/json", "{\"expires_in\":300}"),
            "not-json" => Write(context, 200, "application/json", "{\"token\": tru"),
            "500" => Write(context, 500, "text/plain", "java.lang.NullPointerException at TokenService.java:42"),
            _ => Write(context, 200, "application/json", "{\"token\":\"" + new string('a', 1_000_000) + "\"}"),
        };
        await using var upstream = await FakeRegistry.StartAsync(tokens);
        upstream.Challenge = () => upstream.DefaultChallenge("repository:flavio/guestbook:pull");
        // The gateway's clock stands still: all 40 fall within the 2 s back-off, however slow the machine.
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var collage = await CollageServer.StartAsync(
            new { mappings = new Dictionary<string, string> { ["cool/stuff"] = $"http://{upstream.BaseUri.Authority}/flavio" } },
            services => services.AddSingleton<TimeProvider>(time));

        // 40 client requests, 20 of them at once.
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => GetAsync(collage)));
        for (var i = 0; i < 20; i++)
        {
            answers = [.. answers, await GetAsync(collage)];
        }

        answers.Should().AllSatisfy(a =>
        {
            a.Status.Should().Be(HttpStatusCode.Unauthorized);
            a.Body.Should().Contain("\"UNAUTHORIZED\"").And.NotContain(tokens.BaseUri.Authority).And.NotContain("NullPointer").And.NotContain("Sign in");
            a.Challenge.Should().NotContain(tokens.BaseUri.Authority);
        });
        tokens.Fetches.Should().Be(1, "a failed fetch stands for the back-off: no storm of token requests");
        upstream.Unauthorized.Should().Be(40, "each client request reached the upstream once, with no retry");
    }

    [Fact]
    public async Task Get_TokenServerDown_OneConnectAttemptPerBackoffAndClearError()
    {
        var deadPort = ErrorAnswerTests.FreeLoopbackPort();
        var egress = new EgressRecorder();
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var tokens = await FakeTokenServer.StartAsync();
        await using var upstream = await FakeRegistry.StartAsync(tokens);
        upstream.Challenge = () => $"Bearer realm=\"http://127.0.0.1:{deadPort}/token\",service=\"fake-registry\",scope=\"repository:flavio/guestbook:pull\"";
        await using var collage = await CollageServer.StartAsync(
            new { mappings = new Dictionary<string, string> { ["cool/stuff"] = $"http://{upstream.BaseUri.Authority}/flavio" } },
            services => services.AddSingleton<IUpstreamWireTap>(egress).AddSingleton<TimeProvider>(time));
        var backoff = collage.Services.GetRequiredService<TokenCache>().Options.FailedFetchBackoff;
        int DeadPortConnects() => egress.Connects.Count(c => c.EndsWith($":{deadPort}", StringComparison.Ordinal));

        // The gateway's clock stands still until advanced: all 30 fall within the back-off, however slow the machine.
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => GetAsync(collage)));
        DeadPortConnects().Should().Be(1, "30 clients at once share one attempt");

        time.Advance(backoff - TimeSpan.FromMilliseconds(1));
        var lastWithinBackoff = await GetAsync(collage);
        DeadPortConnects().Should().Be(1, "the failure stands until the back-off is over");

        time.Advance(TimeSpan.FromMilliseconds(1));
        var afterBackoff = await GetAsync(collage);

        answers.Append(lastWithinBackoff).Append(afterBackoff).Should().AllSatisfy(a =>
        {
            a.Status.Should().Be(HttpStatusCode.Unauthorized);
            a.Body.Should().Contain("\"UNAUTHORIZED\"").And.NotContain(deadPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        DeadPortConnects().Should().Be(2, "one attempt, then one more after the 2 s back-off");
        egress.Requests.Count(r => r.Port == deadPort).Should().Be(2);
        collage.Logs.All.Should().Contain("Could not get an anonymous token from 127.0.0.1:" + deadPort);
    }

    private static async Task<(HttpStatusCode Status, string Body, string Challenge)> GetAsync(CollageServer collage)
    {
        using var response = await collage.Client.GetAsync("/v2/cool/stuff/guestbook/manifests/v1");
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.WwwAuthenticate.ToString());
    }

    private static Task Write(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body);
    }
}
