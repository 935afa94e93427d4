using System.Text.Json;
using static Collage.Tests.Deployment.KubernetesManifests;

namespace Collage.Tests.Deployment;

/// <summary>The dashboard and the rules file are well formed: what Grafana and Prometheus need to load them.</summary>
public sealed class DashboardFileTests
{
    [Fact]
    public void Dashboard_Parses_AndEveryPanelHasDatasourceTitleAndQueries()
    {
        using var dashboard = ObservabilityFiles.Dashboard();
        var root = dashboard.RootElement;
        root.GetProperty("schemaVersion").GetInt32().Should().Be(39);
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!, v => v);
        variables.Should().ContainKeys("datasource", "mount", "upstream");
        variables["datasource"].GetProperty("type").GetString().Should().Be("datasource");
        variables["datasource"].GetProperty("query").GetString().Should().Be("prometheus");

        var panels = ObservabilityFiles.Panels(dashboard);
        panels.Should().HaveCountGreaterThan(10);
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            title.Should().NotBeNullOrWhiteSpace();
            panel.GetProperty("datasource").GetProperty("uid").GetString().Should().Be("${datasource}", $"panel \"{title}\" queries the chosen data source");
            var targets = panel.GetProperty("targets").EnumerateArray().ToArray();
            targets.Should().NotBeEmpty($"panel \"{title}\" shows something");
            targets.Should().OnlyContain(t => !string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()), $"panel \"{title}\"");
        }

        panels.Select(p => p.GetProperty("id").GetInt32()).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Rules_Parse_AndEveryRuleHasAlertExprForSeverityAndSummary()
    {
        var rules = ObservabilityFiles.RuleList();

        rules.Should().HaveCountGreaterThanOrEqualTo(5);
        foreach (var rule in rules)
        {
            var alert = Scalar(rule, "alert");
            alert.Should().NotBeNullOrWhiteSpace();
            Scalar(rule, "expr").Should().NotBeNullOrWhiteSpace(alert);
            Scalar(rule, "for").Should().MatchRegex("^[0-9]+[smh]$", alert);
            Scalar(rule, "labels", "severity").Should().BeOneOf(["critical", "warning", "info"], alert);
            Scalar(rule, "annotations", "summary").Should().NotBeNullOrWhiteSpace(alert);
            Scalar(rule, "annotations", "description").Should().NotBeNullOrWhiteSpace(alert);
        }

        rules.Select(r => Scalar(r, "alert")).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Expressions_EveryOne_NamesOnlyCollageMetrics()
    {
        // Guards the name extraction too: a query it read nothing from would pass the export check vacuously.
        foreach (var (where, expression) in ObservabilityFiles.Expressions())
        {
            var names = PromQlMetricNames.Of(expression);
            names.Should().NotBeEmpty($"{where} queries a metric");
            names.Should().OnlyContain(n => n.StartsWith("collage_", StringComparison.Ordinal), $"{where} queries Collage's metrics: {expression}");
        }
    }
}
