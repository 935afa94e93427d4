using Collage.Tests.Functional.Observability;

namespace Collage.Tests.Deployment;

/// <summary>
/// Every metric the Grafana dashboard and the alerting rules query is one Collage exports: read from the
/// <c>/metrics</c> of a <see cref="MetricsRig"/> that made each instrument record. Alone, after the parallel tests:
/// meters are process-wide, and this must see what the rig's gateways export, not what other tests' gateways do.
/// </summary>
[Collection(ProcessMetersCollection.Name)]
public sealed class DashboardMetricsTests(MetricsRigFixture rig) : IClassFixture<MetricsRigFixture>
{
    [Fact]
    public void Dashboard_EveryQueriedMetric_IsExportedByCollage() =>
        AssertExported(ObservabilityFiles.Expressions().Where(e => !e.Where.StartsWith("alert ", StringComparison.Ordinal)));

    [Fact]
    public void Rules_EveryQueriedMetric_IsExportedByCollage() =>
        AssertExported(ObservabilityFiles.Expressions().Where(e => e.Where.StartsWith("alert ", StringComparison.Ordinal)));

    [Fact]
    public void Rig_ExportsTheScaleOutMetrics_ForBothStores()
    {
        // The dashboard's scale-out row is only worth something if the rig exercised s3 and Redis both.
        PrometheusText.Samples(rig.Exposition, "collage_cache_shared_available", ("store", "s3")).Should().Contain(1, "the rig's s3rver is up");
        PrometheusText.Samples(rig.Exposition, "collage_cache_shared_available", ("store", "redis")).Should().Contain(0, "one replica's Redis is a closed port");
        PrometheusText.Samples(rig.Exposition, "collage_cache_bytes_total", ("source", "shared")).Should().NotBeEmpty("a replica filled from the bucket");
        PrometheusText.Samples(rig.Exposition, "collage_cache_shared_uploads_total", ("result", "stored")).Should().NotBeEmpty();
    }

    private void AssertExported(IEnumerable<(string Where, string Expression)> expressions)
    {
        var list = expressions.ToArray();
        list.Should().NotBeEmpty();
        var missing = list
            .SelectMany(e => ExportedMetrics.Missing(rig.Exposition, PromQlMetricNames.Of(e.Expression)).Select(name => $"{name} ({e.Where})"))
            .ToArray();
        missing.Should().BeEmpty("every metric a query names must be one Collage exports (misspelled, renamed, or never recorded by the rig)");
    }
}
