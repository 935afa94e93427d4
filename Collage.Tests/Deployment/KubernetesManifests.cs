using Collage.Proxy.Configuration;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using YamlDotNet.RepresentationModel;

namespace Collage.Tests.Deployment;

/// <summary>
/// Parsed Kubernetes manifests with small navigation helpers: the files of one folder as written
/// (<see cref="Load"/>), or what kustomize builds from a folder's <c>kustomization.yaml</c> (<see cref="Build"/>).
/// </summary>
internal sealed class KubernetesManifests
{
    private KubernetesManifests(IReadOnlyList<(string File, YamlMappingNode Document)> documents) => Documents = documents;

    public IReadOnlyList<(string File, YamlMappingNode Document)> Documents { get; }

    /// <summary>Every document of <c>deploy/kubernetes/base/*.yaml</c>, the filesystem variant, as written.</summary>
    public static KubernetesManifests Load() => new(Files(RepositoryFiles.PathOf("deploy", "kubernetes", "base")));

    /// <summary>
    /// What <c>kubectl kustomize</c> makes of <c>deploy/kubernetes/&lt;folder&gt;</c>: its <c>resources</c> (files, and
    /// folders built the same way) with its <c>patches</c> (strategic merge patches by path) applied; no Kustomization.
    /// </summary>
    public static KubernetesManifests Build(params string[] folder) => new(Kustomize(RepositoryFiles.PathOf(["deploy", "kubernetes", .. folder]), depth: 0));

    public YamlMappingNode Single(string kind) =>
        Documents.Single(d => Scalar(d.Document, "kind") == kind).Document;

    public YamlMappingNode Named(string kind, string name) =>
        Documents.Single(d => Scalar(d.Document, "kind") == kind && Scalar(d.Document, "metadata", "name") == name).Document;

    public IEnumerable<YamlMappingNode> All(string kind) =>
        Documents.Where(d => Scalar(d.Document, "kind") == kind).Select(d => d.Document);

    public static YamlNode? Node(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            node = next;
        }

        return node;
    }

    /// <summary>Reads <paramref name="json"/> as the gateway reads its <c>--config-file</c>.</summary>
    public static CollageOptions ReadConfig(string json)
    {
        var directory = Directory.CreateTempSubdirectory("collage-manifest-config-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "config.json"), json);
            var configuration = new ConfigurationBuilder()
                .Add(new CollageFileConfigurationSource { Path = "config.json", FileProvider = new PhysicalFileProvider(directory) })
                .Build();

            return CollageConfigReader.Read(configuration);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public static string? Scalar(YamlNode node, params string[] path) => (Node(node, path) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlMappingNode> Items(YamlNode node, params string[] path) =>
        (Node(node, path) as YamlSequenceNode)?.Children.OfType<YamlMappingNode>() ?? [];

    /// <summary>The entries of a list of scalars (a kustomization's <c>resources</c>), empty when absent.</summary>
    public static IEnumerable<string> Strings(YamlNode node, params string[] path) =>
        (Node(node, path) as YamlSequenceNode)?.Children.OfType<YamlScalarNode>().Select(s => s.Value!) ?? [];

    private static List<(string File, YamlMappingNode Document)> Files(string folder) =>
        [.. Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal).SelectMany(Parse)];

    private static IEnumerable<(string File, YamlMappingNode Document)> Parse(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(file))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(d => (Path.GetFileName(file), (YamlMappingNode)d.RootNode));
    }

    // Bounded: a folder that (through its bases) includes itself would otherwise recurse forever; kustomize refuses it.
    private static List<(string File, YamlMappingNode Document)> Kustomize(string folder, int depth)
    {
        if (depth > 4)
        {
            throw new InvalidOperationException($"kustomization bases nested deeper than 4 at {folder}");
        }

        var kustomization = Parse(Path.Combine(folder, "kustomization.yaml")).Single().Document;
        var documents = new List<(string File, YamlMappingNode Document)>();
        foreach (var resource in Strings(kustomization, "resources"))
        {
            var path = Path.GetFullPath(Path.Combine(folder, resource));
            documents.AddRange(Directory.Exists(path) ? Kustomize(path, depth + 1) : Parse(path));
        }

        foreach (var patch in Items(kustomization, "patches"))
        {
            foreach (var (_, document) in Parse(Path.Combine(folder, Scalar(patch, "path")!)))
            {
                var target = documents.Single(d => Scalar(d.Document, "kind") == Scalar(document, "kind") && Scalar(d.Document, "metadata", "name") == Scalar(document, "metadata", "name"));
                StrategicMerge.Apply(target.Document, document);
            }
        }

        return documents;
    }
}
