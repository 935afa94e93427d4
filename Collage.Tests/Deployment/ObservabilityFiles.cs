using System.Text.Json;
using YamlDotNet.RepresentationModel;
using static Collage.Tests.Deployment.KubernetesManifests;

namespace Collage.Tests.Deployment;

/// <summary>
/// The operators' files under deploy/: the Grafana dashboard (<c>deploy/grafana/collage-dashboard.json</c>) and the
/// Prometheus alerting rules (<c>deploy/prometheus/collage-alerts.yaml</c>), with every PromQL expression they hold.
/// </summary>
internal static class ObservabilityFiles
{
    public static string DashboardPath => RepositoryFiles.PathOf("deploy", "grafana", "collage-dashboard.json");

    public static string RulesPath => RepositoryFiles.PathOf("deploy", "prometheus", "collage-alerts.yaml");

    /// <summary>The dashboard, parsed.</summary>
    public static JsonDocument Dashboard() => JsonDocument.Parse(File.ReadAllText(DashboardPath));

    /// <summary>The rules file's root mapping.</summary>
    public static YamlMappingNode Rules()
    {
        using var reader = new StreamReader(RulesPath);
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    /// <summary>Every rule of every group.</summary>
    public static IReadOnlyList<YamlMappingNode> RuleList() =>
        Items(Rules(), "groups").SelectMany(group => Items(group, "rules")).ToArray();

    /// <summary>The panels, those inside collapsed rows included, rows themselves left out.</summary>
    public static IReadOnlyList<JsonElement> Panels(JsonDocument dashboard)
    {
        var panels = new List<JsonElement>();
        Collect(dashboard.RootElement.GetProperty("panels"), panels);
        return panels;
    }

    /// <summary>
    /// Every query in the dashboard (each <c>expr</c> of a target, and the query of each query variable) and in the
    /// rules (each <c>expr</c>), with where it was found, for the assertion's message.
    /// </summary>
    public static IReadOnlyList<(string Where, string Expression)> Expressions()
    {
        var found = new List<(string, string)>();
        using (var dashboard = Dashboard())
        {
            foreach (var panel in Panels(dashboard))
            {
                foreach (var target in panel.GetProperty("targets").EnumerateArray())
                {
                    found.Add(($"panel \"{panel.GetProperty("title").GetString()}\"", target.GetProperty("expr").GetString()!));
                }
            }

            foreach (var variable in dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
            {
                if (variable.GetProperty("type").GetString() == "query")
                {
                    var query = variable.GetProperty("query");
                    found.Add(($"variable {variable.GetProperty("name").GetString()}", query.ValueKind == JsonValueKind.Object ? query.GetProperty("query").GetString()! : query.GetString()!));
                }
            }
        }

        foreach (var rule in RuleList())
        {
            found.Add(($"alert {Scalar(rule, "alert")}", Scalar(rule, "expr")!));
        }

        return found;
    }

    private static void Collect(JsonElement list, List<JsonElement> panels)
    {
        foreach (var panel in list.EnumerateArray())
        {
            if (panel.GetProperty("type").GetString() == "row")
            {
                if (panel.TryGetProperty("panels", out var nested))
                {
                    Collect(nested, panels);
                }

                continue;
            }

            panels.Add(panel);
        }
    }
}
