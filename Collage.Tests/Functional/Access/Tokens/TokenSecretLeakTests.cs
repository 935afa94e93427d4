using System.Net;
using System.Text;
using Collage.Tests.Access.Tokens;
using Collage.Tests.Functional.Observability;
using Microsoft.Extensions.Logging;
using static Collage.Tests.Functional.Access.Tokens.TokenClient;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>
/// Nothing secret of the token flow leaves Collage: after token requests by GET and POST (right, wrong, throttled),
/// refresh grants, pulls with Bearer tokens, forged, expired and refresh tokens as Bearer, no password, bcrypt hash,
/// Basic value, issued token (access or refresh, or its signature) or form body is in any log line (every level), the
/// metrics, a refusal's body or headers, or a request to the upstream.
/// </summary>
public sealed class TokenSecretLeakTests : IAsyncLifetime
{
    private const string Password = "c4rol-s3cret-91d2";
    private const string WrongPassword = "wrong-guess-5e7b";
    private static readonly string CarolHash = BCrypt.Net.BCrypt.HashPassword(Password, 4).Replace("$2a$", "$2y$", StringComparison.Ordinal);

    private readonly List<string> _secrets = [Password, WrongPassword, CarolHash, CarolHash[7..], CarolHash[29..], TokenGateway.AliceLine[6..]];
    private readonly List<string> _refusals = [];
    private TokenGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await TokenGateway.StartAsync(
            access: a =>
            {
                a["loginAttempts"] = 3;
                a["loginWindow"] = "00:10:00";
            },
            moreUsers: $"carol:{CarolHash}\n",
            configure: builder => builder.Logging.SetMinimumLevel(LogLevel.Trace));
        _secrets.Add(AccessClient.BasicParameter($"carol:{Password}"));
        _secrets.Add(AccessClient.BasicParameter($"carol:{WrongPassword}"));
        _secrets.Add(Uri.EscapeDataString(Password));
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task EveryKindOfTokenRequest_NoSecretInLogsMetricsRefusalsOrUpstream()
    {
        var right = $"carol:{Password}";
        var wrong = $"carol:{WrongPassword}";
        var get = await _gateway.Client.GetTokenAsync(right, [Pull("library/c")], offline: true);
        var post = await _gateway.Client.PostTokenAsync(PasswordGrant(right, true, Pull("library/c")));
        var renewed = await _gateway.Client.PostTokenAsync(RefreshGrant(post.RefreshToken!, Pull("library/c")));
        Issued(get.Token, get.RefreshToken!, post.Token, post.RefreshToken!, renewed.Token);

        foreach (var token in new[] { get.Token, post.Token, renewed.Token })
        {
            await SendAsync(Bearer("/v2/library/c/manifests/v1", token), HttpStatusCode.OK, refusal: false);
            await SendAsync(Bearer($"/v2/library/c/blobs/{AccessUpstream.BlobDigest}", token), HttpStatusCode.OK, refusal: false);
        }

        await SendAsync(Bearer("/v2/internal/b/manifests/v1", get.Token), HttpStatusCode.NotFound);
        await SendAsync(Bearer("/v2/library/c/manifests/v1", get.RefreshToken!), HttpStatusCode.Unauthorized);
        var forged = ForgedTokens.Tampered(get.Token, p => p["access"]!.AsArray().Add(ForgedTokens.Pull("internal/b")));
        Issued(forged);
        await SendAsync(Bearer("/v2/internal/b/manifests/v1", forged), HttpStatusCode.Unauthorized);
        var refusedRefresh = await _gateway.Client.PostTokenAsync(RefreshGrant(get.Token, Pull("library/c")));
        Refusal(refusedRefresh, HttpStatusCode.Unauthorized);

        Refusal(await _gateway.Client.GetTokenAsync(wrong, [Pull("library/c")]), HttpStatusCode.Unauthorized);
        Refusal(await _gateway.Client.PostTokenAsync(PasswordGrant(wrong, true, Pull("library/c"))), HttpStatusCode.Unauthorized);
        Refusal(await _gateway.Client.PostTokenAsync(PasswordGrant(wrong, false)), HttpStatusCode.Unauthorized);
        Refusal(await _gateway.Client.PostTokenAsync(PasswordGrant(wrong, false)), HttpStatusCode.TooManyRequests);
        Refusal(await _gateway.Client.GetTokenAsync(right, [Pull("library/c")]), HttpStatusCode.TooManyRequests);
        await SendAsync(AccessClient.Request("/v2/library/c/manifests/v1", wrong), HttpStatusCode.TooManyRequests);

        _gateway.Time.Advance(TimeSpan.FromHours(1));
        await SendAsync(Bearer("/v2/library/c/manifests/v1", get.Token), HttpStatusCode.Unauthorized);
        _refusals.Add(await _gateway.Client.GetStringAsync("/metrics"));

        var logs = await Eventually.GetAsync(
            () => Task.FromResult(_gateway.Collage.Logs.All),
            all => all.Split('\n').Count(l => l.Contains("Collage.AccessLog", StringComparison.Ordinal)) >= 20);
        logs.Split('\n').Count(l => l.Contains("Collage.AccessLog", StringComparison.Ordinal)).Should().BeGreaterThanOrEqualTo(20, "every request was logged, and those lines are checked");
        logs.Should().Contain("user=carol", "the access log names the user, never the credentials");
        var upstream = string.Join('\n', _gateway.Upstream.Requests.SelectMany(r => r.Headers.Values.Append(r.PathAndQuery)));
        foreach (var secret in _secrets)
        {
            logs.Should().NotContain(secret);
            upstream.Should().NotContain(secret);
            _refusals.Should().NotContain(s => s.Contains(secret, StringComparison.Ordinal));
        }
    }

    // Tokens are secrets too: not in logs or upstream (a token answer carries them, so only refusals are checked).
    private void Issued(params string[] tokens)
    {
        foreach (var token in tokens)
        {
            _secrets.Add(token);
            _secrets.Add(token.Split('.')[2]);
        }
    }

    private void Refusal(TokenAnswer answer, HttpStatusCode expected)
    {
        answer.Status.Should().Be(expected, answer.Body);
        _refusals.Add($"{answer.Body}\n{answer.WwwAuthenticate}\n{answer.RetryAfter}");
    }

    private async Task SendAsync(HttpRequestMessage request, HttpStatusCode expected, bool refusal = true)
    {
        using (request)
        {
            using var response = await _gateway.Client.SendAsync(request);
            response.StatusCode.Should().Be(expected, $"{request.Method} {request.RequestUri}");
            var text = new StringBuilder(await response.Content.ReadAsStringAsync());
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                text.Append('\n').Append(header.Key).Append(": ").AppendJoin(", ", header.Value);
            }

            if (refusal)
            {
                _refusals.Add(text.ToString());
            }
        }
    }
}
