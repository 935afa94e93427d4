namespace Collage.Tests.Functional.Faults;

/// <summary>
/// Tests that measure the whole process (file descriptors, managed heap, CPU for a soak) run alone, after
/// the parallel ones, so other tests' sockets and allocations do not blur their figures.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResourceCollection
{
    public const string Name = "process resources";
}
