using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using static Collage.Tests.Functional.Access.AccessClient;

namespace Collage.Tests.Functional.Access;

/// <summary>
/// Every repository endpoint obeys the same policy, GET and HEAD alike: manifests by tag and digest, blobs, tags/list
/// and referrers. Anonymous callers without a grant get the Basic challenge, users without one the answer of an unknown
/// name; neither reaches the upstream.
/// </summary>
public sealed class EndpointPolicyTests : IAsyncLifetime
{
    private readonly string _htpasswd = Path.Combine(Path.GetTempPath(), $"collage-htpasswd-{Guid.NewGuid():N}");
    private LoopbackServer _upstream = null!;
    private CollageServer _collage = null!;

    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "/v2/internal/b/manifests/v1" },
        { "HEAD", "/v2/internal/b/manifests/v1" },
        { "GET", $"/v2/internal/b/manifests/{AccessUpstream.ManifestDigest}" },
        { "HEAD", $"/v2/internal/b/manifests/{AccessUpstream.ManifestDigest}" },
        { "GET", $"/v2/internal/b/blobs/{AccessUpstream.BlobDigest}" },
        { "HEAD", $"/v2/internal/b/blobs/{AccessUpstream.BlobDigest}" },
        { "GET", "/v2/internal/b/tags/list" },
        { "HEAD", "/v2/internal/b/tags/list" },
        { "GET", "/v2/internal/b/tags/list?n=10" },
        { "GET", $"/v2/internal/b/referrers/{AccessUpstream.ManifestDigest}" },
        { "HEAD", $"/v2/internal/b/referrers/{AccessUpstream.ManifestDigest}" },
        { "GET", $"/v2/internal/b/referrers/{AccessUpstream.ManifestDigest}?artifactType=application%2Fvnd.example" },
    };

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_htpasswd, $"alice:{BCrypt.Net.BCrypt.HashPassword("wonderland", 4)}\nbob:{BCrypt.Net.BCrypt.HashPassword("builder", 4)}\n");
        _upstream = await AccessUpstream.StartAsync();
        var up = $"http://{_upstream.Authority}/up";
        _collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["internal"] = $"{up}/internal", ["library"] = $"{up}/library", ["public"] = $"{up}/public" },
            access = new
            {
                htpasswd = _htpasswd,
                groups = new Dictionary<string, string[]> { ["platform"] = ["alice"] },
                anonymous = new[] { "public/**" },
                authenticated = new[] { "library/**", "ghost/**" },
                rules = new object[] { new { repositories = new[] { "internal/**" }, groups = new[] { "platform" } } },
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
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_Anonymous_BearerChallengeForTheRepository_NoUpstreamRequest(string method, string path)
    {
        using var response = await _collage.Client.SendAsync(Request(path, null, new HttpMethod(method)));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer realm=").And.EndWith(",scope=\"repository:internal/b:pull\"");
        if (method == "GET")
        {
            (await response.Content.ReadAsStringAsync()).Should().Contain("\"code\":\"UNAUTHORIZED\"");
        }

        _upstream.Requests.Should().NotContain(r => r.Path.Contains("/internal/", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_UserWithoutGrant_NameUnknown_NoUpstreamRequest(string method, string path)
    {
        using var response = await _collage.Client.SendAsync(Request(path, "bob:builder", new HttpMethod(method)));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Headers.WwwAuthenticate.Should().BeEmpty("bob logged in; asking him again would tell the name exists");
        if (method == "GET")
        {
            (await response.Content.ReadAsStringAsync()).Should().Be("{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\",\"detail\":{\"name\":\"internal/b\"}}]}");
        }

        _upstream.Requests.Should().NotContain(r => r.Path.Contains("/internal/", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_UserWithGrant_Answered(string method, string path)
    {
        using var response = await _collage.Client.SendAsync(Request(path, "alice:wonderland", new HttpMethod(method)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        // (Collage asks for the referrers index with GET even for a HEAD, to filter or emulate it.)
        _upstream.Requests.Should().Contain(r => r.Path.StartsWith("/v2/up/internal/b/", StringComparison.Ordinal)
            && (r.Method == method || path.Contains("/referrers/", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("/v2/internal/b/manifests/v1")]
    [InlineData("/v2/internal/b/tags/list")]
    [InlineData($"/v2/internal/b/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Forbidden_AnswersLikeUnmounted_NothingToProbe(string path)
    {
        // bob may pull ghost/**, which no mapping serves: its answer is the one a forbidden name gets.
        var unmounted = path.Replace("internal/b", "ghost/b", StringComparison.Ordinal);

        using var forbidden = await _collage.Client.SendAsync(Request(path, "bob:builder"));
        using var missing = await _collage.Client.SendAsync(Request(unmounted, "bob:builder"));

        forbidden.StatusCode.Should().Be(missing.StatusCode);
        (await forbidden.Content.ReadAsStringAsync()).Should().Be((await missing.Content.ReadAsStringAsync()).Replace("ghost/b", "internal/b", StringComparison.Ordinal));
        Names(forbidden).Should().Equal(Names(missing));
        forbidden.Content.Headers.ContentType.Should().Be(missing.Content.Headers.ContentType);
    }

    [Fact]
    public async Task Public_AnonymousAndUsers_Answered()
    {
        (await _collage.Client.StatusAsync("/v2/public/a/manifests/v1", null)).Should().Be(HttpStatusCode.OK);
        (await _collage.Client.StatusAsync("/v2/public/a/manifests/v1", null, HttpMethod.Head)).Should().Be(HttpStatusCode.OK);
        (await _collage.Client.StatusAsync($"/v2/public/a/blobs/{AccessUpstream.BlobDigest}", "bob:builder")).Should().Be(HttpStatusCode.OK);
        (await _collage.Client.StatusAsync("/v2/public/a/tags/list", "alice:wonderland")).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task WrongPasswordOnPublic_401_NotServedAsAnonymous()
    {
        // Credentials that fail are refused, even where no credentials would pass: a client learns its login is wrong.
        using var response = await _collage.Client.SendAsync(Request("/v2/public/a/manifests/v1", "alice:wrong"));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer ");
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("bob:builder", HttpStatusCode.OK)]
    [InlineData("bob:wrong", HttpStatusCode.Unauthorized)]
    public async Task Base_HeadAndGet_SameAnswer(string? credentials, HttpStatusCode expected)
    {
        (await _collage.Client.StatusAsync("/v2/", credentials)).Should().Be(expected);
        (await _collage.Client.StatusAsync("/v2/", credentials, HttpMethod.Head)).Should().Be(expected);
    }

    [Fact]
    public async Task Base_AnonymousWhileSomethingIsPublic_401BearerChallenge_UserPasses()
    {
        // docker takes challenges only from a 401 at /v2/; containers/image from a 200 or a 401.
        using var anonymous = await _collage.Client.SendAsync(Request("/v2/", null));
        using var user = await _collage.Client.SendAsync(Request("/v2/", "bob:builder"));

        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        anonymous.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer realm=").And.NotContain("scope=");
        user.StatusCode.Should().Be(HttpStatusCode.OK);
        user.Headers.WwwAuthenticate.Should().BeEmpty();
    }

    [Theory]
    [InlineData("/v2/public/a/manifests/v1", HttpStatusCode.OK)]
    [InlineData("/v2/internal/b/manifests/v1", HttpStatusCode.Unauthorized)]
    [InlineData("/v2/_catalog", HttpStatusCode.OK)]
    public async Task EmptyBasicCredentials_AreAnonymous(string path, HttpStatusCode expected)
    {
        // "Basic Og==" (":"): what containers/image sends after the challenge when it has no credentials.
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Basic Og==");

        using var response = await _collage.Client.SendAsync(request);

        response.StatusCode.Should().Be(expected);
    }

    private static string[] Names(HttpResponseMessage response) =>
        [.. response.Headers.Select(h => h.Key).Concat(response.Content.Headers.Select(h => h.Key)).Where(n => n != "Date").Order(StringComparer.OrdinalIgnoreCase)];
}
