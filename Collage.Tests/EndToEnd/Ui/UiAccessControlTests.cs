using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.EndToEnd.Ui;

/// <summary>
/// The web page with access control on, over HTTP (a browser with credentials in the URL is not reliable): it asks
/// for Basic credentials where Collage's <c>/v2/</c> refuses the anonymous user, and a user sees only what they may pull.
/// The htpasswd file is written by the real <c>htpasswd -Bbc</c>.
/// </summary>
[Collection(RealRegistriesCollection.Name)]
public sealed partial class UiAccessControlTests(RealRegistriesFixture fixture) : IAsyncLifetime
{
    private const string User = "dev";
    private const string Password = "pull-only app 9";

    private TempDirectory _directory = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        _directory = TempDirectory.Create("ui-access");
        var htpasswd = _directory.Combine("htpasswd");
        (await ProcessRunner.RunAsync("htpasswd", ["-Bbc", htpasswd, User, Password], TimeSpan.FromSeconds(30))).EnsureSuccess();
        _collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["team"] = $"http://{fixture.RegistryA.HostPort}/team" },
            access = new
            {
                htpasswd,
                rules = new[] { new { repositories = new[] { "team/app" }, users = new[] { User }, actions = new[] { "pull", "catalog" } } },
            },
        });
    }

    public async Task DisposeAsync()
    {
        await _collage.DisposeAsync();
        _directory.Dispose();
    }

    [Theory]
    [InlineData("ui/")]
    [InlineData("ui/repositories")]
    [InlineData("ui/tag?name=team/app&tag=v1")]
    public async Task Anonymous_AsksForBasicCredentials(string page)
    {
        using var v2 = await _collage.Client.GetAsync("v2/");
        v2.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "Collage's /v2/ refuses the anonymous user here");

        using var response = await _collage.Client.GetAsync(page);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        // RFC 7617 allows more parameters than the realm (the page adds charset="UTF-8").
        response.Headers.WwwAuthenticate.Should().ContainSingle(h => h.Scheme == "Basic" && h.Parameter!.Split(',', StringSplitOptions.TrimEntries).Contains("realm=\"Collage\""));
        (await response.Content.ReadAsStringAsync()).Should().NotContain("team/app");
    }

    [Fact]
    public async Task WrongPassword_AsksAgain()
    {
        using var response = await SendAsync("ui/repositories", "not the password");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Should().Contain(h => h.Scheme == "Basic");
    }

    [Fact]
    public async Task User_RepositoriesPage_ListsOnlyWhatTheyMayPull()
    {
        using var response = await SendAsync("ui/repositories", Password);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var repositories = RepositoryLink().Matches(await response.Content.ReadAsStringAsync()).Select(m => WebUtility.HtmlDecode(m.Groups["name"].Value).Trim()).ToList();
        repositories.Should().Equal("team/app");
        (await fixture.Skopeo.ListTagsAsync(fixture.RegistryA.DockerReference("team/multi"))).Should().NotBeEmpty("team/multi exists upstream, it is hidden");
    }

    [Fact]
    public async Task User_TagPages_GrantedShownRefusedHidden()
    {
        using var granted = await SendAsync("ui/tag?name=team/app&tag=v1", Password);
        using var refused = await SendAsync("ui/tag?name=team/multi&tag=v1", Password);

        granted.StatusCode.Should().Be(HttpStatusCode.OK);
        (await granted.Content.ReadAsStringAsync()).Should().Contain(fixture.App.ManifestDigest);
        ((int)refused.StatusCode).Should().BeInRange(400, 499);
        var body = await refused.Content.ReadAsStringAsync();
        body.Should().Contain("error-message").And.NotContain(fixture.Multi.Digest);
    }

    private async Task<HttpResponseMessage> SendAsync(string page, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, page);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{password}")));
        return await _collage.Client.SendAsync(request);
    }

    /// <summary>The contract's <c>a.repository</c> links (class among others, attributes in any order).</summary>
    [GeneratedRegex("""<a\b[^>]*\bclass="(?:[^"]*\s)?repository(?:\s[^"]*)?"[^>]*>(?<name>[^<]*)</a>""")]
    private static partial Regex RepositoryLink();
}
