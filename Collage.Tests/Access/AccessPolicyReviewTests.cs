using Collage.Transforms.Access;
using Collage.Transforms.Configuration;
using Collage.Tests.Mounts;
using Collage.Transforms.Mounts;

namespace Collage.Tests.Access;

/// <summary><see cref="AccessPolicyReview"/>: the start-up warnings of a policy that is valid but grants less than it seems to.</summary>
public sealed class AccessPolicyReviewTests
{
    private static readonly IReadOnlySet<string> Users = new HashSet<string> { "alice", "bob" };

    private static MountTable Table(AccessOptions access) => MountTableBuilder.Build(new CollageOptions
    {
        Mappings = TestMounts.Mappings("internal=registry.corp.lan/internal", "cool/stuff=index.docker.io/flavio"),
        Vhosts = new Dictionary<string, VhostOptions> { ["mirror.lan"] = new() { Mappings = TestMounts.Mappings("/=mirror.corp.lan/docker.io") } },
        Access = access,
    });

    private static IReadOnlyList<(string Key, string Message)> Review(AccessOptions access, bool external = false) =>
        AccessPolicyReview.Warnings(access, Table(access), Users, external);

    [Fact]
    public void Warnings_EverythingNamedAndMounted_None()
    {
        var access = new AccessOptions
        {
            Groups = new Dictionary<string, IReadOnlyList<string>> { ["platform"] = ["alice"] },
            Anonymous = ["cool/stuff/*"],
            Rules = [new AccessRuleOptions { Repositories = ["internal/**", "internal"], Users = ["bob"], Groups = ["platform"] }],
        };

        Review(access).Should().BeEmpty();
    }

    [Fact]
    public void Warnings_UnknownUserAndGroup_NamedWithTheirRuleKeys()
    {
        var access = new AccessOptions
        {
            Groups = new Dictionary<string, IReadOnlyList<string>> { ["platform"] = ["alice", "carol"] },
            Rules = [new AccessRuleOptions { Repositories = ["internal/**"], Users = ["alcie"], Groups = ["plattform"] }],
        };

        Review(access).Select(w => w.Key).Should().BeEquivalentTo(["access:rules:0:users", "access:rules:0:groups", "access:groups:platform"]);
        Review(access).Should().Contain(w => w.Message.Contains("'alcie'") && w.Message.Contains("htpasswd"));
    }

    [Fact]
    public void Warnings_OidcBringsItsOwnUsers_UsersAndGroupsNotJudged()
    {
        var access = new AccessOptions { Rules = [new AccessRuleOptions { Repositories = ["internal/**"], Users = ["ci@corp"], Groups = ["from-the-idp"] }] };

        Review(access, external: true).Should().BeEmpty();
    }

    [Theory]
    [InlineData("interna/**")]
    [InlineData("cool/things/*")]
    [InlineData("cool")]
    public void Warnings_PatternMatchingNothingMounted_Named(string pattern)
    {
        // The vhost's root mount serves every name, so the patterns go to a rule for the global map only.
        var access = new AccessOptions { Rules = [new AccessRuleOptions { Repositories = [pattern, "cool/stuff"], Users = ["alice"], Vhosts = ["global"] }] };

        Review(access).Should().BeEquivalentTo([("access:rules:0:repositories:0", $"'{pattern}' matches no mounted repository; it grants nothing until something is mounted there.")]);
    }

    [Fact]
    public void Warnings_RuleForAVhostThatDoesNotExist_Named()
    {
        var access = new AccessOptions { Rules = [new AccessRuleOptions { Repositories = ["**"], Users = ["alice"], Vhosts = ["mirror.lan", "mirorr.lan"] }] };

        Review(access).Should().BeEquivalentTo([("access:rules:0:vhosts", "'mirorr.lan' is not a configured vhost; the rule grants nothing there.")]);
    }

    [Fact]
    public void Warnings_RootMountOnAVhost_EveryPatternMatchesSomething()
    {
        var access = new AccessOptions { Anonymous = ["anything/at/all/**"] };

        Review(access).Should().BeEmpty();
    }

    [Theory]
    [InlineData("internal/**", "internal", true)]
    [InlineData("internal", "internal", true)]
    [InlineData("*", "internal", true)]
    [InlineData("**", "cool/stuff", true)]
    [InlineData("cool/*", "cool/stuff", true)]
    [InlineData("cool/*/x", "cool/stuff", true)]
    [InlineData("cool", "cool/stuff", false)]
    [InlineData("cool/*", "cool/stuff/deep", false)]
    [InlineData("internalx/**", "internal", false)]
    [InlineData("a/b", "", true)]
    public void CanMatchUnder_PatternAndMountPrefix_WhetherSomeServedNameMatches(string pattern, string prefix, bool expected)
    {
        RepositoryPattern.TryParse(pattern, out var parsed).Should().BeTrue();

        parsed.CanMatchUnder(prefix).Should().Be(expected);
    }
}
