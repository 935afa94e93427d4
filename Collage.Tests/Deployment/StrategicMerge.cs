using YamlDotNet.RepresentationModel;

namespace Collage.Tests.Deployment;

/// <summary>
/// The part of kustomize's strategic merge patch the overlays under <c>deploy/kubernetes</c> use: mappings merge key by
/// key, lists of named things (containers, volumes, env) merge by their merge key, every other value is replaced.
/// </summary>
/// <remarks>
/// The merge keys are Kubernetes' own (<c>patchMergeKey</c> in the API types): <c>name</c> for containers, volumes
/// and env, <c>mountPath</c> for volumeMounts, <c>containerPort</c> for ports. kustomize puts new list items first;
/// the order of these lists carries no meaning, so they are appended here.
/// </remarks>
internal static class StrategicMerge
{
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["volumes"] = "name",
        ["env"] = "name",
        ["volumeMounts"] = "mountPath",
        ["ports"] = "containerPort",
    };

    /// <summary>Merges <paramref name="patch"/> into <paramref name="target"/>, in place.</summary>
    public static void Apply(YamlMappingNode target, YamlMappingNode patch)
    {
        foreach (var (key, value) in patch.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (!target.Children.TryGetValue(key, out var existing))
            {
                target.Children[key] = value;
            }
            else if (existing is YamlMappingNode into && value is YamlMappingNode from)
            {
                Apply(into, from);
            }
            else if (existing is YamlSequenceNode list && value is YamlSequenceNode items && MergeKeys.TryGetValue(name, out var mergeKey))
            {
                MergeList(list, items, mergeKey);
            }
            else
            {
                target.Children[key] = value;
            }
        }
    }

    private static void MergeList(YamlSequenceNode list, YamlSequenceNode items, string mergeKey)
    {
        foreach (var item in items.Children.Cast<YamlMappingNode>())
        {
            var id = KubernetesManifests.Scalar(item, mergeKey) ?? throw new InvalidOperationException($"a patch's list item has no '{mergeKey}'");
            var match = list.Children.OfType<YamlMappingNode>().FirstOrDefault(m => KubernetesManifests.Scalar(m, mergeKey) == id);
            if (match is null)
            {
                list.Children.Add(item);
            }
            else
            {
                Apply(match, item);
            }
        }
    }
}
