using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Collage.Tests.Functional.Observability;
using static Collage.Tests.Functional.Access.AccessClient;

namespace Collage.Tests.Functional.Access;

/// <summary>The access log line ends with <c>user=NAME</c> for a user who logged in, <c>user=-</c> otherwise.</summary>
public sealed class AccessLogUserTests : IAsyncLifetime
{
    private const string Prefix = "Information Collage.AccessLog: ";

    private readonly string _htpasswd = Path.Combine(Path.GetTempPath(), $"collage-htpasswd-{Guid.NewGuid():N}");
    private LoopbackServer _upstream = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_htpasswd, $"alice:{BCrypt.Net.BCrypt.HashPassword("wonderland", 4)}\nbob:{BCrypt.Net.BCrypt.HashPassword("builder", 4)}\n");
        _upstream = await AccessUpstream.StartAsync();
        _collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["/"] = $"http://{_upstream.Authority}/up" },
            access = new
            {
                htpasswd = _htpasswd,
                anonymous = new[] { "public/**" },
                rules = new object[] { new { repositories = new[] { "internal/**" }, users = new[] { "alice" } } },
            },
        });
    }

    public async Task DisposeAsync()
    {
        await _collage.DisposeAsync();
        await _upstream.DisposeAsync();
        File.Delete(_htpasswd);
    }

    [Theory]
    [InlineData("alice:wonderland", "/v2/internal/b/manifests/v1", 200, "user=alice")]
    [InlineData("bob:builder", "/v2/internal/b/manifests/v1", 404, "user=bob")]
    [InlineData("bob:builder", "/v2/public/a/manifests/v1", 200, "user=bob")]
    [InlineData(null, "/v2/public/a/manifests/v1", 200, "user=-")]
    [InlineData(null, "/v2/internal/b/manifests/v1", 401, "user=-")]
    [InlineData("alice:wrong", "/v2/internal/b/manifests/v1", 401, "user=-")]
    [InlineData("alice:wonderland", "/v2/_catalog", 200, "user=alice")]
    [InlineData("alice:wonderland", "/v2/", 200, "user=alice")]
    [InlineData("alice:wonderland", "/v2/token", 200, "user=alice")]
    [InlineData("bob:builder", "/v2/token", 200, "user=bob")]
    [InlineData(null, "/v2/token", 200, "user=-")]
    [InlineData("alice:wrong", "/v2/token", 401, "user=-")]
    public async Task Request_LogLineEndsWithUser(string? credentials, string path, int status, string user)
    {
        (await _collage.Client.StatusAsync(path, credentials)).Should().Be((HttpStatusCode)status);

        var lines = await Eventually.GetAsync(
            () => Task.FromResult(_collage.Logs.Lines.Where(l => l.StartsWith(Prefix, StringComparison.Ordinal)).ToArray()),
            found => found.Length > 0);
        var line = lines.Should().ContainSingle().Subject;
        line.Should().StartWith($"{Prefix}GET {_collage.BaseUri.Authority}{path} {status} ").And.EndWith(" " + user);
        line.Should().NotContain("wonderland").And.NotContain("builder").And.NotContain("wrong");
    }
}
