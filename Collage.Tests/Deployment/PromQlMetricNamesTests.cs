namespace Collage.Tests.Deployment;

public sealed class PromQlMetricNamesTests
{
    [Fact]
    public void Of_FunctionsMatchersRangesAndGrouping_LeavesOnlyTheMetrics()
    {
        const string Expression =
            "histogram_quantile(0.95, sum by (le, upstream) (rate(collage_upstream_duration_seconds_bucket{upstream=~\"$upstream\", kind!=\"rate\"}[$__rate_interval])))"
            + " / on (upstream) group_left (mount) sum without (status) (increase(collage_requests_total[5m] offset 1h)) > 1e3 and bool up";

        PromQlMetricNames.Of(Expression).Should().Equal("collage_upstream_duration_seconds_bucket", "collage_requests_total", "up");
    }

    [Fact]
    public void Of_GrafanaLabelValues_NamesItsMetric() =>
        PromQlMetricNames.Of("label_values(collage_requests_total, mount)").Should().Equal("collage_requests_total");

    [Theory]
    [InlineData("collage_upstream_duration_seconds_bucket", "collage_upstream_duration_seconds", true)]
    [InlineData("collage_upstream_duration_seconds_count", "collage_upstream_duration_seconds", true)]
    [InlineData("collage_requests_total", "collage_requests_total", false)]
    public void FamilyOf_HistogramSeries_StripsTheSuffix(string name, string family, bool histogram) =>
        PromQlMetricNames.FamilyOf(name).Should().Be((family, histogram));

    [Fact]
    public void Missing_MisspelledAndAbsentNames_AreNamed()
    {
        const string Exposition = """
            # TYPE collage_upstream_duration_seconds histogram
            collage_upstream_duration_seconds_bucket{le="0.005"} 1
            collage_upstream_duration_seconds_count 1
            # TYPE collage_requests_total counter
            collage_requests_total{kind="blob"} 3
            """;

        ExportedMetrics.Missing(Exposition, ["collage_requests_total", "collage_upstream_duration_seconds_count", "collage_request_total", "collage_cache_size_bytes"])
            .Should().Equal("collage_cache_size_bytes", "collage_request_total");
    }
}
