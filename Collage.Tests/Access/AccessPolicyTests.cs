using Collage.Transforms.Access;
using Collage.Transforms.Configuration;

namespace Collage.Tests.Access;

/// <summary>What a compiled policy grants: grants add up, apply per vhost, to users and their groups, per action.</summary>
public sealed class AccessPolicyTests
{
    private const string Global = "global";

    private static readonly AccessPolicy Policy = AccessPolicy.Build(new AccessOptions
    {
        Groups = new Dictionary<string, IReadOnlyList<string>> { ["platform"] = ["alice", "robot"], ["auditors"] = ["carol"] },
        Anonymous = ["public/**"],
        Authenticated = ["library/**"],
        Rules =
        [
            new AccessRuleOptions { Repositories = ["internal/**"], Groups = ["platform"] },
            new AccessRuleOptions { Repositories = ["internal/secret/*"], Users = ["bob"], Actions = ["pull", "catalog"] },
            new AccessRuleOptions { Repositories = ["**"], Groups = ["auditors"], Actions = ["catalog"] },
            new AccessRuleOptions { Repositories = ["lab/**"], Users = ["dave"], Vhosts = ["Lab.Corp.LAN"] },
        ],
    });

    private static AccessIdentity User(string name) => Policy.IdentityOf(name);

    [Fact]
    public void Grants_AnonymousList_PullAndCatalogToEveryone()
    {
        Policy.Grants(AccessIdentity.Anonymous, Global, "public/a").Should().Be(AccessAction.Pull | AccessAction.Catalog);
        Policy.Grants(User("nobody"), Global, "public/a/b").Should().Be(AccessAction.Pull | AccessAction.Catalog);
        Policy.Grants(AccessIdentity.Anonymous, Global, "public").Should().Be(AccessAction.None);
    }

    [Fact]
    public void Grants_AuthenticatedList_AnyUserButNotAnonymous()
    {
        Policy.Grants(User("nobody"), Global, "library/alpine").Should().Be(AccessAction.Pull | AccessAction.Catalog);
        Policy.Grants(AccessIdentity.Anonymous, Global, "library/alpine").Should().Be(AccessAction.None);
    }

    [Theory]
    [InlineData("alice", "Pull")]
    [InlineData("robot", "Pull")]
    [InlineData("carol", "Catalog")]
    [InlineData("bob", "None")]
    [InlineData("nobody", "None")]
    public void Grants_GroupRule_ToItsMembersOnly(string user, string expected)
    {
        Policy.Grants(User(user), Global, "internal/app").ToString().Should().Be(expected);
    }

    [Fact]
    public void Grants_SeveralRules_AddUp()
    {
        Policy.Grants(User("bob"), Global, "internal/secret/keys").Should().Be(AccessAction.Pull | AccessAction.Catalog);
        Policy.Grants(User("alice"), Global, "internal/secret/keys").Should().Be(AccessAction.Pull, "platform pulls internal/**, only bob's rule lists it");
        Policy.Grants(User("carol"), Global, "public/a").Should().Be(AccessAction.Pull | AccessAction.Catalog);
        Policy.Grants(User("carol"), Global, "elsewhere").Should().Be(AccessAction.Catalog, "a catalog grant alone does not let her pull");
    }

    [Fact]
    public void Grants_VhostRule_OnlyOnThatVhost_CaseInsensitiveKey()
    {
        Policy.Grants(User("dave"), "lab.corp.lan", "lab/tool").Should().Be(AccessAction.Pull);
        Policy.Grants(User("dave"), Global, "lab/tool").Should().Be(AccessAction.None);
        Policy.Grants(User("dave"), "other.corp.lan", "lab/tool").Should().Be(AccessAction.None);
    }

    [Fact]
    public void Grants_UserAndGroupNames_AreCaseSensitive()
    {
        Policy.Grants(User("Alice"), Global, "internal/app").Should().Be(AccessAction.None);
        Policy.IdentityOf("Alice").Groups.Should().BeEmpty();
        Policy.IdentityOf("alice").Groups.Should().BeEquivalentTo(["platform"]);
    }

    [Fact]
    public void Grants_GroupOfIdentity_NotOfName()
    {
        // The groups come with the identity: a user the config puts in no group holds no group grant.
        var outsider = new AccessIdentity("mallory", new HashSet<string>());
        var member = new AccessIdentity("mallory", new HashSet<string> { "platform" });

        Policy.Grants(outsider, Global, "internal/app").Should().Be(AccessAction.None);
        Policy.Grants(member, Global, "internal/app").Should().Be(AccessAction.Pull);
    }

    [Fact]
    public void HoldsAnywhere_CatalogGrants_ByIdentityAndVhost()
    {
        Policy.HoldsAnywhere(AccessIdentity.Anonymous, Global, AccessAction.Catalog).Should().BeTrue("the anonymous list grants catalog");
        Policy.HoldsAnywhere(User("dave"), "lab.corp.lan", AccessAction.Pull).Should().BeTrue();

        var noLists = AccessPolicy.Build(new AccessOptions
        {
            Rules = [new AccessRuleOptions { Repositories = ["**"], Users = ["carol"], Actions = ["catalog"], Vhosts = ["a.lan"] }],
        });
        noLists.HoldsAnywhere(AccessIdentity.Anonymous, "a.lan", AccessAction.Catalog).Should().BeFalse();
        noLists.HoldsAnywhere(noLists.IdentityOf("carol"), "a.lan", AccessAction.Catalog).Should().BeTrue();
        noLists.HoldsAnywhere(noLists.IdentityOf("carol"), Global, AccessAction.Catalog).Should().BeFalse();
        noLists.HoldsAnywhere(noLists.IdentityOf("carol"), "a.lan", AccessAction.Pull).Should().BeFalse();
    }

    [Fact]
    public void AnonymousMayPull_OnlyWithAnAnonymousList()
    {
        Policy.AnonymousMayPull.Should().BeTrue();
        AccessPolicy.Build(new AccessOptions { Authenticated = ["**"] }).AnonymousMayPull.Should().BeFalse();
        AccessPolicy.Build(new AccessOptions()).AnonymousMayPull.Should().BeFalse();
    }

    [Fact]
    public void Grants_EmptySection_NothingToAnyone()
    {
        var empty = AccessPolicy.Build(new AccessOptions());

        empty.Grants(AccessIdentity.Anonymous, Global, "public/a").Should().Be(AccessAction.None);
        empty.Grants(empty.IdentityOf("alice"), Global, "library/alpine").Should().Be(AccessAction.None);
    }

    [Fact]
    public void Grants_RuleWithoutActions_IsPull()
    {
        var policy = AccessPolicy.Build(new AccessOptions { Rules = [new AccessRuleOptions { Repositories = ["x/**"], Users = ["alice"], Actions = [] }] });

        policy.Grants(policy.IdentityOf("alice"), Global, "x/y").Should().Be(AccessAction.Pull);
    }

    [Theory]
    [InlineData("PULL", "Pull")]
    [InlineData(" Catalog ", "Catalog")]
    public void Grants_ActionNames_AnyCase(string action, string expected)
    {
        var policy = AccessPolicy.Build(new AccessOptions { Rules = [new AccessRuleOptions { Repositories = ["x/**"], Users = ["alice"], Actions = [action] }] });

        policy.Grants(policy.IdentityOf("alice"), Global, "x/y").ToString().Should().Be(expected);
    }
}
