using Collage.Transforms.Access.Tokens;

namespace Collage.Tests.Access.Tokens;

/// <summary>
/// <see cref="TokenScopes"/>: the scopes a client asks the token endpoint for, narrowed to what Collage can grant
/// (pull of a well-formed repository name, the catalog); push, delete and anything malformed are dropped, not refused.
/// </summary>
public sealed class TokenScopesTests
{
    [Theory]
    [InlineData("repository:internal/b:pull")]
    [InlineData("repository:internal/b:pull,push")]
    [InlineData("repository:internal/b:push,pull")]
    [InlineData("repository:internal/b:delete,pull,push")]
    public void Parse_RepositoryWithPull_PullOfThatName(string scope)
    {
        var parsed = TokenScopes.Parse([scope]);

        parsed.Pull.Should().Equal("internal/b");
        parsed.Catalog.Should().BeFalse();
    }

    [Theory]
    [InlineData("repository:internal/b:push")]
    [InlineData("repository:internal/b:push,delete")]
    [InlineData("repository:internal/b:")]
    [InlineData("repository:internal/b:pullx")]
    [InlineData("repository:internal/b:PULL")]
    [InlineData("repository:internal/b")]
    [InlineData("repository:internal/b:pull:push")]
    [InlineData("repository::pull")]
    [InlineData(":internal/b:pull")]
    [InlineData("repositories:internal/b:pull")]
    [InlineData("registry:internal/b:pull")]
    [InlineData("repository:Internal/B:pull")]
    [InlineData("repository:host:5000/internal/b:pull")]
    [InlineData("repository:../etc/passwd:pull")]
    [InlineData("repository:internal//b:pull")]
    [InlineData("repository:/internal/b:pull")]
    [InlineData("repository:internal/b/:pull")]
    [InlineData("")]
    [InlineData(":")]
    [InlineData("::")]
    public void Parse_NoPullOrMalformed_Dropped(string scope)
    {
        var parsed = TokenScopes.Parse([scope]);

        parsed.Pull.Should().BeEmpty();
        parsed.Catalog.Should().BeFalse();
    }

    [Fact]
    public void Parse_CatalogStar_Catalog()
    {
        var parsed = TokenScopes.Parse(["registry:catalog:*"]);

        parsed.Catalog.Should().BeTrue();
        parsed.Pull.Should().BeEmpty("the catalog is no repository");
    }

    [Theory]
    [InlineData("registry:catalog:pull")]
    [InlineData("registry:catalog:")]
    [InlineData("registry:other:*")]
    [InlineData("repository:catalog:*")]
    [InlineData("registry:catalog")]
    public void Parse_NotTheCatalogScope_NoCatalog(string scope)
    {
        var parsed = TokenScopes.Parse([scope]);

        parsed.Catalog.Should().BeFalse();
        parsed.Pull.Should().BeEmpty();
    }

    [Fact]
    public void Parse_Mixed_KeepsOnlyTheGrantableInOrder_Deduplicated()
    {
        var parsed = TokenScopes.Parse(
        [
            "repository:library/c:pull",
            "repository:internal/b:push",
            "garbage",
            "repository:team/d:pull,push",
            "registry:catalog:*",
            "repository:library/c:pull",
        ]);

        parsed.Pull.Should().Equal("library/c", "team/d");
        parsed.Catalog.Should().BeTrue();
    }

    [Fact]
    public void Parse_MoreThanTheCap_FirstSixtyFourOnly()
    {
        var scopes = Enumerable.Range(0, 100).Select(i => $"repository:r/n{i}:pull").ToList();

        var parsed = TokenScopes.Parse(scopes);

        parsed.Pull.Should().HaveCount(TokenScopes.MaxRepositories).And.Equal(Enumerable.Range(0, TokenScopes.MaxRepositories).Select(i => $"r/n{i}"));
    }

    [Fact]
    public void Parse_DuplicatesDoNotFillTheCap()
    {
        var scopes = Enumerable.Repeat("repository:a/a:pull", 200).Append("repository:b/b:pull");

        TokenScopes.Parse(scopes).Pull.Should().Equal("a/a", "b/b");
    }

    [Fact]
    public void Parse_Nothing_Nothing()
    {
        var parsed = TokenScopes.Parse([]);

        parsed.Pull.Should().BeEmpty();
        parsed.Catalog.Should().BeFalse();
    }
}
