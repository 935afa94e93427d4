using Collage.Transforms.Access;

namespace Collage.Tests.Access;

/// <summary>Repository patterns match whole name segments: <c>*</c> one, <c>**</c> one or more, literals exactly.</summary>
public sealed class RepositoryPatternTests
{
    [Theory]
    [InlineData("internal/**", "internal/app", true)]
    [InlineData("internal/**", "internal/team/app", true)]
    [InlineData("internal/**", "internal/a/b/c/d", true)]
    [InlineData("internal/**", "internal", false)]
    [InlineData("internal/**", "internalx/app", false)]
    [InlineData("internal/**", "x/internal/app", false)]
    [InlineData("cool/stuff/*", "cool/stuff/a", true)]
    [InlineData("cool/stuff/*", "cool/stuff", false)]
    [InlineData("cool/stuff/*", "cool/stuff/a/b", false)]
    [InlineData("cool/stuff/*", "cool/stuffy/a", false)]
    [InlineData("*", "alpine", true)]
    [InlineData("*", "library/alpine", false)]
    [InlineData("**", "alpine", true)]
    [InlineData("**", "a/b/c", true)]
    [InlineData("*/app", "team/app", true)]
    [InlineData("*/app", "team/sub/app", false)]
    [InlineData("*/app", "team/apps", false)]
    [InlineData("a/**/z", "a/b/z", true)]
    [InlineData("a/**/z", "a/b/c/z", true)]
    [InlineData("a/**/z", "a/z", false)]
    [InlineData("a/**/z", "a/b/c", false)]
    [InlineData("library/alpine", "library/alpine", true)]
    [InlineData("library/alpine", "library/alpine/x", false)]
    [InlineData("library/alpine", "library/alpin", false)]
    [InlineData("library/alpine", "library", false)]
    [InlineData("/internal/**/", "internal/app", true)]
    [InlineData("Internal/**", "internal/app", false)]
    public void Matches_BySegments(string pattern, string name, bool expected)
    {
        RepositoryPattern.TryParse(pattern, out var parsed).Should().BeTrue();

        parsed.Matches(name).Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("/")]
    [InlineData("internal//app")]
    [InlineData("intern*")]
    [InlineData("internal/a*")]
    [InlineData("internal/***")]
    [InlineData("*x/app")]
    public void TryParse_EmptySegmentOrPartialWildcard_False(string pattern)
    {
        RepositoryPattern.TryParse(pattern, out _).Should().BeFalse();
    }

    [Fact]
    public void Text_IsAsConfigured()
    {
        RepositoryPattern.TryParse(" /internal/** ", out var parsed).Should().BeTrue();

        parsed.Text.Should().Be(" /internal/** ");
    }
}
