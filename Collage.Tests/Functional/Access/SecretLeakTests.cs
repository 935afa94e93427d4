using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Collage.Tests.Functional.Observability;
using Microsoft.Extensions.Logging;
using static Collage.Tests.Functional.Access.AccessClient;

namespace Collage.Tests.Functional.Access;

/// <summary>
/// Nothing secret leaves Collage: after right, wrong, throttled, malformed and foreign credentials and a broken
/// htpasswd edit, no password, bcrypt hash or Authorization value is in any log line (every level), response body or
/// header, the metrics, or a request to the upstream.
/// </summary>
public sealed class SecretLeakTests : IAsyncLifetime
{
    private const string Password = "s3cret-wonderland-7f2a";
    private const string WrongPassword = "wrong-guess-91bc";
    private const string BearerToken = "eyJhbGciOiJIUzI1NiJ9.client-token-5d0e";
    private const string Sha1Hash = "{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=";
    private static readonly string AliceHash = BCrypt.Net.BCrypt.HashPassword(Password, 4).Replace("$2a$", "$2y$", StringComparison.Ordinal);

    private readonly string _htpasswd = Path.Combine(Path.GetTempPath(), $"collage-htpasswd-{Guid.NewGuid():N}");
    private readonly List<string> _seen = [];
    private LoopbackServer _upstream = null!;
    private CollageServer _collage = null!;

    private static string[] Secrets =>
    [
        Password, WrongPassword, BearerToken, Sha1Hash, AliceHash, AliceHash[7..], AliceHash[29..],
        BasicParameter($"alice:{Password}"), BasicParameter($"alice:{WrongPassword}"), BasicParameter($"mallory:{Password}"),
        BasicParameter("no-colon-" + Password),
    ];

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_htpasswd, $"alice:{AliceHash}\n");
        _upstream = await AccessUpstream.StartAsync();
        _collage = await CollageServer.StartAsync(
            new
            {
                mappings = new Dictionary<string, string> { ["/"] = $"http://{_upstream.Authority}/up" },
                access = new { htpasswd = _htpasswd, anonymous = new[] { "public/**" }, authenticated = new[] { "**" }, loginAttempts = 3 },
            },
            builder => builder.Logging.SetMinimumLevel(LogLevel.Trace));
    }

    public async Task DisposeAsync()
    {
        await _collage.DisposeAsync();
        await _upstream.DisposeAsync();
        File.Delete(_htpasswd);
    }

    [Fact]
    public async Task EveryKindOfLogin_NoSecretInLogsAnswersMetricsOrUpstream()
    {
        var right = $"alice:{Password}";
        await SendAsync(Request("/v2/", right), HttpStatusCode.OK);
        await SendAsync(Request("/v2/team/app/manifests/v1", right), HttpStatusCode.OK);
        await SendAsync(Request($"/v2/team/app/blobs/{AccessUpstream.BlobDigest}", right), HttpStatusCode.OK);
        await SendAsync(Request("/v2/team/app/tags/list", right), HttpStatusCode.OK);
        await SendAsync(Request("/v2/_catalog", right), HttpStatusCode.OK);
        await SendAsync(Request("/v2/team/app/manifests/v1", $"mallory:{Password}"), HttpStatusCode.Unauthorized);
        await SendAsync(Raw("/v2/team/app/manifests/v1", "Basic " + BasicParameter("no-colon-" + Password)), HttpStatusCode.Unauthorized);
        await SendAsync(Raw("/v2/team/app/manifests/v1", $"Bearer {BearerToken}"), HttpStatusCode.Unauthorized);
        await SendAsync(Raw("/v2/public/a/manifests/v1", $"Bearer {BearerToken}"), HttpStatusCode.Unauthorized);
        await SendAsync(Request("/v2/team/app/manifests/v1", $"alice:{WrongPassword}"), HttpStatusCode.Unauthorized);
        await SendAsync(Request("/v2/team/app/manifests/v1", $"alice:{WrongPassword}"), HttpStatusCode.Unauthorized);
        await SendAsync(Request("/v2/team/app/manifests/v1", $"alice:{WrongPassword}"), HttpStatusCode.TooManyRequests);
        await SendAsync(Request("/v2/team/app/manifests/v1", $"alice:{WrongPassword}", HttpMethod.Head), HttpStatusCode.TooManyRequests);

        await File.WriteAllTextAsync(_htpasswd, $"alice:{AliceHash}\nbob:{Sha1Hash}\n");
        var warned = await Eventually.GetAsync(
            async () =>
            {
                // A user who logs in makes Collage look at the file again.
                using var request = Request("/v2/public/a/manifests/v1", $"carol:{Password}");
                using var response = await _collage.Client.SendAsync(request);
                return _collage.Logs.Lines.Any(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains(_htpasswd, StringComparison.Ordinal));
            },
            seen => seen,
            TimeSpan.FromSeconds(10));
        warned.Should().BeTrue("the broken edit is logged, and that log line is checked too");
        _seen.Add(await _collage.Client.GetStringAsync("/metrics"));

        var logs = await Eventually.GetAsync(
            () => Task.FromResult(_collage.Logs.All),
            all => all.Split('\n').Count(l => l.Contains("Collage.AccessLog", StringComparison.Ordinal)) >= 14);
        foreach (var secret in Secrets)
        {
            logs.Should().NotContain(secret);
            _seen.Should().NotContain(s => s.Contains(secret, StringComparison.Ordinal));
        }

        _upstream.Requests.Should().NotBeEmpty().And.OnlyContain(r => !r.HasHeader("Authorization"), "gateway upstreams never see the client's credentials");
        var upstreamHeaders = string.Join('\n', _upstream.Requests.SelectMany(r => r.Headers.Values));
        Secrets.Should().OnlyContain(secret => !upstreamHeaders.Contains(secret, StringComparison.Ordinal));
    }

    private static HttpRequestMessage Raw(string path, string authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", authorization).Should().BeTrue();
        return request;
    }

    private async Task SendAsync(HttpRequestMessage request, HttpStatusCode expected)
    {
        using (request)
        {
            using var response = await _collage.Client.SendAsync(request);
            response.StatusCode.Should().Be(expected, $"{request.Method} {request.RequestUri} with {request.Headers.Authorization?.Scheme}");
            var text = new StringBuilder(await response.Content.ReadAsStringAsync());
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                text.Append('\n').Append(header.Key).Append(": ").AppendJoin(", ", header.Value);
            }

            _seen.Add(text.ToString());
        }
    }
}
