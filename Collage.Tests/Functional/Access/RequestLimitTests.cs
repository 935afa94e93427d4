using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using static Collage.Tests.Functional.Access.AccessClient;

namespace Collage.Tests.Functional.Access;

/// <summary>
/// The optional request limits: <c>requestsPerUser</c> per user who logged in and <c>requestsPerAddress</c> per client
/// address, per <c>requestWindow</c>. A request past them is 429 with Retry-After and never reaches the upstream. The
/// window is a minute, so no test races it.
/// </summary>
public sealed class RequestLimitTests : IAsyncLifetime
{
    private const int PerUser = 3;
    private const int PerAddress = 5;

    private readonly string _htpasswd = Path.Combine(Path.GetTempPath(), $"collage-htpasswd-{Guid.NewGuid():N}");
    private LoopbackServer _upstream = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_htpasswd, $"alice:{BCrypt.Net.BCrypt.HashPassword("wonderland", 4)}\nbob:{BCrypt.Net.BCrypt.HashPassword("builder", 4)}\n");
        _upstream = await AccessUpstream.StartAsync();
        _collage = await CollageServer.StartAsync(
            new
            {
                mappings = new Dictionary<string, string> { ["/"] = $"http://{_upstream.Authority}/up" },
                access = new
                {
                    htpasswd = _htpasswd,
                    anonymous = new[] { "public/**" },
                    authenticated = new[] { "**" },
                    requestsPerUser = PerUser,
                    requestsPerAddress = PerAddress,
                    requestWindow = "00:01:00",
                },
            },
            [IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.3"), IPAddress.Parse("127.0.0.4")]);
    }

    public async Task DisposeAsync()
    {
        await _collage.DisposeAsync();
        await _upstream.DisposeAsync();
        File.Delete(_htpasswd);
    }

    [Fact]
    public async Task PerUser_PastTheLimit_429WithRetryAfter_FromAnyAddress_AndNothingUpstream()
    {
        using var first = From(IPAddress.Parse("127.0.0.2"), _collage.BaseUri);
        using var second = From(IPAddress.Parse("127.0.0.3"), _collage.BaseUri);
        for (var i = 0; i < PerUser; i++)
        {
            (await (i % 2 == 0 ? first : second).StatusAsync("/v2/team/d/manifests/v1", "alice:wonderland")).Should().Be(HttpStatusCode.OK);
        }

        var upstreamBefore = _upstream.Requests.Count;
        using var refused = await first.SendAsync(Request("/v2/team/d/manifests/v1", "alice:wonderland"));

        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromMinutes(1));
        (await refused.Content.ReadAsStringAsync()).Should().Contain("\"code\":\"TOOMANYREQUESTS\"");
        _upstream.Requests.Count.Should().Be(upstreamBefore, "a request past the limit never reaches the upstream");
        (await second.StatusAsync("/v2/team/d/manifests/v1", "bob:builder")).Should().Be(HttpStatusCode.OK, "bob's requests are his own");
    }

    [Fact]
    public async Task PerAddress_AnonymousPastTheLimit_429_OtherAddressesUnaffected()
    {
        using var crowded = From(IPAddress.Parse("127.0.0.4"), _collage.BaseUri);
        for (var i = 0; i < PerAddress; i++)
        {
            (await crowded.StatusAsync("/v2/public/a/manifests/v1", null)).Should().Be(HttpStatusCode.OK);
        }

        (await crowded.StatusAsync("/v2/public/a/manifests/v1", null)).Should().Be(HttpStatusCode.TooManyRequests);
        (await _collage.Client.StatusAsync("/v2/public/a/manifests/v1", null)).Should().Be(HttpStatusCode.OK, "127.0.0.1 has its own count");
    }

    [Fact]
    public async Task Refused_NotCounted_TheLimitIsForRequestsThePolicyLetThrough()
    {
        using var client = From(IPAddress.Parse("127.0.0.3"), _collage.BaseUri);
        for (var i = 0; i < PerAddress + 3; i++)
        {
            (await client.StatusAsync("/v2/team/d/manifests/v1", null)).Should().Be(HttpStatusCode.Unauthorized, "anonymous may not pull team/");
        }

        (await client.StatusAsync("/v2/public/a/manifests/v1", null)).Should().Be(HttpStatusCode.OK);
    }
}
