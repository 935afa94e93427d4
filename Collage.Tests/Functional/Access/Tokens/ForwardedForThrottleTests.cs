using System.Net;
using static Collage.Tests.Functional.Access.AccessClient;
using static Collage.Tests.Functional.Access.Tokens.TokenClient;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>
/// Whose failed logins count together: behind a trusted proxy (127.0.0.1 here) the client is the nearest
/// <c>X-Forwarded-For</c> hop that is no trusted proxy, so two forwarded clients have two throttle buckets and a
/// client cannot get a fresh one by writing its own header hops; from an untrusted peer (127.0.0.2) the header is
/// ignored and every guess counts against the peer. Each guess uses a fresh user name, so only the address is counted.
/// </summary>
public sealed class ForwardedForThrottleTests : IAsyncLifetime
{
    private const int Attempts = 4;
    private TokenGateway _gateway = null!;
    private HttpClient _untrusted = null!;
    private int _names;

    public async Task InitializeAsync()
    {
        _gateway = await TokenGateway.StartAsync(
            access: a =>
            {
                a["loginAttempts"] = Attempts;
                a["loginWindow"] = "00:10:00";
            },
            root: c => c["trustedProxies"] = new[] { "127.0.0.1" });
        _untrusted = From(IPAddress.Parse("127.0.0.2"), _gateway.Collage.BaseUri);
    }

    public async Task DisposeAsync()
    {
        _untrusted.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task TrustedProxy_TwoForwardedClients_SeparateBuckets()
    {
        await FailAsync(_gateway.Client, Attempts, "10.1.0.1");

        (await GuessAsync(_gateway.Client, "10.1.0.1")).Should().Be(HttpStatusCode.TooManyRequests, "10.1.0.1 used its attempts");
        (await GuessAsync(_gateway.Client, "10.1.0.2")).Should().Be(HttpStatusCode.Unauthorized, "10.1.0.2 has its own bucket");
        (await LoginAsync(_gateway.Client, TokenGateway.Bob, "10.1.0.2")).Should().Be(HttpStatusCode.OK);
        (await LoginAsync(_gateway.Client, TokenGateway.Bob, "10.1.0.1")).Should().Be(HttpStatusCode.TooManyRequests, "the right password waits in a throttled bucket");
    }

    [Fact]
    public async Task TrustedProxy_ClientWrittenHopsLeftOfTheProxys_DoNotMakeANewBucket()
    {
        // The proxy appends the address it saw; what the client wrote stays to its left and is not believed.
        for (var i = 0; i < Attempts; i++)
        {
            (await GuessAsync(_gateway.Client, $"192.0.2.{i}, 10.2.0.1")).Should().Be(HttpStatusCode.Unauthorized);
        }

        (await GuessAsync(_gateway.Client, "192.0.2.99, 10.2.0.1")).Should().Be(HttpStatusCode.TooManyRequests);
        (await GuessAsync(_gateway.Client, "10.2.0.1, 127.0.0.1")).Should().Be(HttpStatusCode.TooManyRequests, "a trusted proxy hop is skipped: the client is still 10.2.0.1");
    }

    [Fact]
    public async Task UntrustedPeer_HeaderIgnored_OneBucket()
    {
        for (var i = 0; i < Attempts; i++)
        {
            (await GuessAsync(_untrusted, $"10.3.0.{i}")).Should().Be(HttpStatusCode.Unauthorized);
        }

        (await GuessAsync(_untrusted, "10.3.0.200")).Should().Be(HttpStatusCode.TooManyRequests, "a fresh X-Forwarded-For buys nothing from an untrusted peer");
        (await GuessAsync(_untrusted, null)).Should().Be(HttpStatusCode.TooManyRequests);
        (await LoginAsync(_untrusted, TokenGateway.Bob, "10.9.9.9")).Should().Be(HttpStatusCode.TooManyRequests);
        (await GuessAsync(_gateway.Client, "127.0.0.2")).Should().Be(HttpStatusCode.TooManyRequests, "the trusted proxy forwarding for 127.0.0.2 lands in the same bucket");
        (await LoginAsync(_gateway.Client, TokenGateway.Bob, "10.3.0.1")).Should().Be(HttpStatusCode.OK, "10.3.0.1 itself never failed");
    }

    private async Task FailAsync(HttpClient client, int count, string forwardedFor)
    {
        for (var i = 0; i < count; i++)
        {
            (await GuessAsync(client, forwardedFor)).Should().Be(HttpStatusCode.Unauthorized);
        }
    }

    private Task<HttpStatusCode> GuessAsync(HttpClient client, string? forwardedFor) =>
        LoginAsync(client, $"guesser{Interlocked.Increment(ref _names)}:wrong", forwardedFor);

    private static async Task<HttpStatusCode> LoginAsync(HttpClient client, string credentials, string? forwardedFor) =>
        (await client.GetTokenAsync(credentials, [Pull("library/c")], change: r =>
        {
            if (forwardedFor is not null)
            {
                r.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
            }
        })).Status;
}
