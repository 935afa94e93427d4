namespace Collage.Tests.Functional.Observability;

/// <summary>
/// Tests that read <c>/metrics</c> run alone, after the parallel ones. OpenTelemetry subscribes to meters by
/// name across the whole process, so one test host's scrape also counts the requests of every other gateway
/// the parallel tests have running (one process holds one gateway in production, where this cannot happen).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMetersCollection
{
    public const string Name = "process meters";
}
