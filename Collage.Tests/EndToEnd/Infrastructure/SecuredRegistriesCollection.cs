namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>The xunit collection sharing one <see cref="SecuredRegistriesFixture"/>: its tests run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SecuredRegistriesCollection : ICollectionFixture<SecuredRegistriesFixture>
{
    public const string Name = "secured registries";
}
