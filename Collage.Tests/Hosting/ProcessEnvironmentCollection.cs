namespace Collage.Tests.Hosting;

/// <summary>
/// Tests that set process environment variables (COLLAGE_PORT, Collage__Mappings__x) run alone, after the
/// parallel ones: every gateway built meanwhile would otherwise read them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}
