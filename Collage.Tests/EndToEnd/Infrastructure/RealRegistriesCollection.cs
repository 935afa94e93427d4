namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>The xunit collection sharing one <see cref="RealRegistriesFixture"/>: its tests run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class RealRegistriesCollection : ICollectionFixture<RealRegistriesFixture>
{
    /// <summary>The collection name to put in <c>[Collection(...)]</c>.</summary>
    public const string Name = "real registries";
}
