namespace Collage.Tests.EndToEnd.Groups;

/// <summary>
/// The upstream groups' end-to-end tests: they share the two member registries of <see cref="GroupMembersFixture"/>
/// and run one at a time, since some kill a member (the next test starts it again).
/// </summary>
[CollectionDefinition(Name)]
public sealed class GroupMembersCollection : ICollectionFixture<GroupMembersFixture>
{
    /// <summary>The collection name to put in <c>[Collection(...)]</c>.</summary>
    public const string Name = "group members";
}
