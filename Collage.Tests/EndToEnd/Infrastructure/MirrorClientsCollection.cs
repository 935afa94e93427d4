namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>The xunit collection sharing one <see cref="MirrorClientsFixture"/>: its tests run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class MirrorClientsCollection : ICollectionFixture<MirrorClientsFixture>
{
    /// <summary>The collection name to put in <c>[Collection(...)]</c>.</summary>
    public const string Name = "mirror clients";
}
