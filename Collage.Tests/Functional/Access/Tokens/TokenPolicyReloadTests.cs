using System.Net;
using Collage.Tests.Access.Tokens;
using Collage.Tests.Functional.Observability;
using static Collage.Tests.Functional.Access.Tokens.TokenClient;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>
/// A token opens a repository only while the policy in force grants it too: a config reload that takes alice's grant
/// away closes the repository to the token she already holds (the answer of an unknown name, no upstream request),
/// and new tokens no longer name it. The signing key outlives the reload, so her other grants keep working.
/// </summary>
public sealed class TokenPolicyReloadTests : IAsyncLifetime
{
    private TokenGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await TokenGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task GrantRemovedByReload_LiveTokenRefused_OthersGrantsStillOpen()
    {
        var token = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b"), Pull("library/c")])).Token;
        (await StatusAsync(token, "internal/b")).Should().Be(HttpStatusCode.OK);

        var access = (Dictionary<string, object?>)_gateway.Config["access"]!;
        access["rules"] = Array.Empty<object>();
        await _gateway.RewriteConfigAsync();

        var status = await Eventually.GetAsync(() => StatusAsync(token, "internal/b"), s => s == HttpStatusCode.NotFound, TimeSpan.FromSeconds(15));
        status.Should().Be(HttpStatusCode.NotFound, "alice logged in but may no longer pull internal/b");
        var before = _gateway.UpstreamRequestsFor("internal/b");
        (await StatusAsync(token, "internal/b")).Should().Be(HttpStatusCode.NotFound);
        _gateway.UpstreamRequestsFor("internal/b").Should().Be(before);
        (await StatusAsync(token, "library/c")).Should().Be(HttpStatusCode.OK, "the same token, a grant still in force, and a key that outlived the reload");

        var fresh = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b"), Pull("library/c")])).Token;
        ForgedTokens.Access(fresh).Should().Equal("repository:library/c:pull");
    }

    private async Task<HttpStatusCode> StatusAsync(string token, string repository)
    {
        using var response = await _gateway.Client.WithTokenAsync($"/v2/{repository}/manifests/v1", token);
        return response.StatusCode;
    }
}
