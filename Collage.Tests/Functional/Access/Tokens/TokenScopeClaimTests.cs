using System.Net;
using Collage.Tests.Access.Tokens;
using static Collage.Tests.Functional.Access.Tokens.TokenClient;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>
/// The <c>access</c> claim of an issued token (decoded here from the JWT) lists exactly the scopes that were asked for
/// AND that the policy grants the caller: push, delete, malformed and ungranted scopes are dropped without an error.
/// </summary>
public sealed class TokenScopeClaimTests : IAsyncLifetime
{
    private TokenGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await TokenGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Alice_OnlyRequestedAndGranted()
    {
        var token = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice,
        [
            "repository:internal/b:pull,push",
            "repository:library/c:pull",
            "repository:team/d:pull",
            "repository:public/a:push",
            "repository:internal/x:delete",
            "repository:Bad/Name:pull",
            "registry:catalog:*",
            "nonsense",
        ])).Token;

        ForgedTokens.Access(token).Should().BeEquivalentTo(["repository:internal/b:pull", "repository:library/c:pull", "registry:catalog:*"]);
    }

    [Fact]
    public async Task Bob_NoInternal_CatalogFilteredToWhatHeMayPull()
    {
        // bob's grants (authenticated: library/**, anonymous: public/**) include the catalog, listed for them only.
        var token = (await _gateway.Client.GetTokenAsync(TokenGateway.Bob, [Pull("internal/b"), Pull("library/c"), Pull("public/a"), "registry:catalog:*"])).Token;

        ForgedTokens.Access(token).Should().BeEquivalentTo(["repository:library/c:pull", "repository:public/a:pull", "registry:catalog:*"]);
        ((string?)ForgedTokens.Payload(token)["sub"]).Should().Be("bob");
        using var catalog = await _gateway.Client.WithTokenAsync("/v2/_catalog", token);
        (await catalog.Content.ReadAsStringAsync()).Should().Contain("library/c").And.Contain("public/a").And.NotContain("internal/b");
    }

    [Fact]
    public async Task NothingRequested_EmptyAccess_StillOpensBase()
    {
        var token = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [])).Token;

        ForgedTokens.Access(token).Should().BeEmpty("a token grants only what was asked for, even to a user who may pull more");
        using var base_ = await _gateway.Client.WithTokenAsync("/v2/", token);
        using var manifest = await _gateway.Client.WithTokenAsync("/v2/internal/b/manifests/v1", token);
        base_.StatusCode.Should().Be(HttpStatusCode.OK);
        manifest.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        _gateway.UpstreamRequestsFor("internal/b").Should().Be(0);
    }

    [Fact]
    public async Task SpaceSeparatedAndRepeatedScopes_AllRead()
    {
        var token = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [$"{Pull("internal/b")} {Pull("library/c")}", Pull("internal/e")])).Token;

        ForgedTokens.Access(token).Should().BeEquivalentTo(["repository:internal/b:pull", "repository:library/c:pull", "repository:internal/e:pull"]);
    }

    [Fact]
    public async Task PostPasswordGrant_SameNarrowing()
    {
        var answer = await _gateway.Client.PostTokenAsync(PasswordGrant(TokenGateway.Bob, false, Pull("internal/b"), "repository:library/c:pull,push", Pull("public/a")));

        ForgedTokens.Access(answer.Token).Should().BeEquivalentTo(["repository:library/c:pull", "repository:public/a:pull"]);
    }

    [Fact]
    public async Task CatalogScope_ListsOnlyWhatTheCallerMayPull_WithoutIt401()
    {
        var withCatalog = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, ["registry:catalog:*"])).Token;
        var without = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")])).Token;

        using var listed = await _gateway.Client.WithTokenAsync("/v2/_catalog", withCatalog);
        using var refused = await _gateway.Client.WithTokenAsync("/v2/_catalog", without);

        listed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await listed.Content.ReadAsStringAsync()).Should().Contain("internal/b").And.Contain("public/a").And.NotContain("team/d");
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.ToString().Should().EndWith("scope=\"registry:catalog:*\"");
    }
}
