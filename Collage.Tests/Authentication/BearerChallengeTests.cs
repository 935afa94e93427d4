using Collage.Transforms.Authentication;

namespace Collage.Tests.Authentication;

public sealed class BearerChallengeTests
{
    private static readonly BearerRealm Realm = new("https://auth.example/token", "registry.example");

    private static AuthenticationChallenge Bearer(string? scope) =>
        new("Bearer", scope is null
            ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["scope"] = scope });

    [Fact]
    public void ToKey_ChallengeScope_WinsOverThePath()
    {
        var key = BearerChallenge.ToKey(Bearer("repository:a:pull"), Realm, "repository:b:pull", identity: "id-1");

        key.Should().Be(new TokenCacheKey("https://auth.example/token", "registry.example", "repository:a:pull", "id-1"));
    }

    [Fact]
    public void ToKey_SeveralScopes_AreOneSpaceApart()
    {
        var key = BearerChallenge.ToKey(Bearer("  repository:a:pull   repository:b:pull,push "), Realm, null, null);

        key.Scope.Should().Be("repository:a:pull repository:b:pull,push");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void ToKey_NoScopeInChallenge_UsesThePathScope(string? scope)
    {
        var key = BearerChallenge.ToKey(Bearer(scope), Realm, "registry:catalog:*", null);

        key.Should().Be(new TokenCacheKey("https://auth.example/token", "registry.example", "registry:catalog:*"));
    }

    [Fact]
    public void ToKey_NoScopeAnywhere_AsksForNone()
    {
        BearerChallenge.ToKey(Bearer(null), Realm, null, null).Scope.Should().BeNull();
    }
}
