using Collage.Transforms.Access;
using Collage.Transforms.Configuration;

namespace Collage.Tests.Access;

/// <summary>The policies <see cref="AccessPolicy.Build"/> refuses, each naming the key to fix.</summary>
public sealed class AccessPolicyErrorTests
{
    [Theory]
    [InlineData("intern*")]
    [InlineData("a//b")]
    [InlineData("")]
    public void Build_BadAnonymousPattern_NamesItsIndex(string pattern)
    {
        var act = () => AccessPolicy.Build(new AccessOptions { Anonymous = ["public/**", pattern] });

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "access:anonymous:1").WithMessage("*not a repository pattern*'**'*");
    }

    [Fact]
    public void Build_BadAuthenticatedPattern_NamesItsIndex()
    {
        var act = () => AccessPolicy.Build(new AccessOptions { Authenticated = ["lib*"] });

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "access:authenticated:0");
    }

    [Fact]
    public void Build_BadRulePattern_NamesRuleAndIndex()
    {
        var act = () => AccessPolicy.Build(new AccessOptions
        {
            Rules =
            [
                new AccessRuleOptions { Repositories = ["ok/**"], Users = ["alice"] },
                new AccessRuleOptions { Repositories = ["ok/**", "bad*/x"], Users = ["alice"] },
            ],
        });

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "access:rules:1:repositories:1").WithMessage("*'bad*/x'*");
    }

    [Theory]
    [InlineData("push")]
    [InlineData("delete")]
    [InlineData("*")]
    public void Build_UnknownAction_NamesKeyAndTheTwoActions(string action)
    {
        var act = () => AccessPolicy.Build(new AccessOptions
        {
            Rules = [new AccessRuleOptions { Repositories = ["x/**"], Users = ["alice"], Actions = ["pull", action] }],
        });

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "access:rules:0:actions").WithMessage($"*'{action}' is not an action*\"pull\"*\"catalog\"*");
    }

    [Fact]
    public void Build_RuleWithoutRepositories_NamesKey()
    {
        var act = () => AccessPolicy.Build(new AccessOptions { Rules = [new AccessRuleOptions { Users = ["alice"] }] });

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "access:rules:0:repositories").WithMessage("*needs the repositories*");
    }

    [Fact]
    public void Build_RuleForNobody_NamesKeyAndTheLists()
    {
        var act = () => AccessPolicy.Build(new AccessOptions { Rules = [new AccessRuleOptions { Repositories = ["x/**"] }] });

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "access:rules:0").WithMessage("*grants to nobody*'authenticated'*'anonymous'*");
    }
}
