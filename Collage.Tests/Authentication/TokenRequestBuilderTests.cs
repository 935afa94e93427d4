using Collage.Transforms.Authentication;
using Microsoft.AspNetCore.WebUtilities;

namespace Collage.Tests.Authentication;

public sealed class TokenRequestBuilderTests
{
    private static readonly TokenCacheKey Key = new("https://auth.example/token", "registry.example", "repository:a:pull repository:b:pull,push");

    [Fact]
    public void Get_ServiceAndScopes_OneScopeParameterEachAndNothingElse()
    {
        using var request = TokenRequestBuilder.Get(Key);

        request.Method.Should().Be(HttpMethod.Get);
        request.RequestUri!.GetLeftPart(UriPartial.Path).Should().Be("https://auth.example/token");
        var query = QueryHelpers.ParseQuery(request.RequestUri.Query);
        query.Keys.Should().BeEquivalentTo("service", "scope");
        query["service"].ToString().Should().Be("registry.example");
        query["scope"].ToArray().Should().Equal("repository:a:pull", "repository:b:pull,push");
        request.Headers.Select(h => h.Key).Should().Equal("Accept");
        request.Headers.Accept.ToString().Should().Be("application/json");
        request.Content.Should().BeNull();
    }

    [Fact]
    public void Get_NoServiceNoScope_SendsNeither()
    {
        using var request = TokenRequestBuilder.Get(new TokenCacheKey("https://auth.example/token?account=x", null, null));

        request.RequestUri!.AbsoluteUri.Should().Be("https://auth.example/token?account=x");
    }

    [Fact]
    public void Get_Basic_AuthenticatesToTheTokenServer()
    {
        using var request = TokenRequestBuilder.Get(Key, "dXNlcjpwYXNz");

        request.Headers.Authorization!.ToString().Should().Be("Basic dXNlcjpwYXNz");
    }

    [Theory]
    [InlineData(null, "collage")]
    [InlineData("docker", "docker")]
    public void Get_Offline_AsksForARefreshTokenWithAClientId(string? clientId, string expected)
    {
        using var request = TokenRequestBuilder.Get(Key, offline: true, clientId: clientId);

        var query = QueryHelpers.ParseQuery(request.RequestUri!.Query);
        query["offline_token"].ToString().Should().Be("true");
        query["client_id"].ToString().Should().Be(expected);
    }

    [Fact]
    public void Get_NotOffline_SendsNoClientId()
    {
        using var request = TokenRequestBuilder.Get(Key, clientId: "docker");

        QueryHelpers.ParseQuery(request.RequestUri!.Query).Should().NotContainKeys("offline_token", "client_id");
    }

    [Fact]
    public async Task RefreshForm_PostsTheRefreshGrantWithScopesSpaceSeparated()
    {
        using var request = TokenRequestBuilder.RefreshForm(Key, "refresh-1");

        request.Method.Should().Be(HttpMethod.Post);
        request.RequestUri!.AbsoluteUri.Should().Be("https://auth.example/token");
        request.Headers.Authorization.Should().BeNull();
        request.Headers.Accept.ToString().Should().Be("application/json");
        (await FormAsync(request)).Should().Equal(
            ("grant_type", "refresh_token"),
            ("refresh_token", "refresh-1"),
            ("client_id", "collage"),
            ("service", "registry.example"),
            ("scope", "repository:a:pull repository:b:pull,push"));
    }

    [Fact]
    public async Task PasswordForm_Offline_PostsThePasswordGrantAskingForAccessTypeOffline()
    {
        using var request = TokenRequestBuilder.PasswordForm(new TokenCacheKey("https://auth.example/token", null, null), "user", "p@ss", "docker", offline: true);

        (await FormAsync(request)).Should().Equal(
            ("grant_type", "password"),
            ("username", "user"),
            ("password", "p@ss"),
            ("client_id", "docker"),
            ("access_type", "offline"));
    }

    private static async Task<(string, string)[]> FormAsync(HttpRequestMessage request)
    {
        request.Content!.Headers.ContentType!.MediaType.Should().Be("application/x-www-form-urlencoded");
        var form = new FormReader(await request.Content.ReadAsStringAsync());
        var pairs = new List<(string, string)>();
        while (await form.ReadNextPairAsync() is { } pair)
        {
            pairs.Add((pair.Key, pair.Value));
        }

        return [.. pairs];
    }
}
