using System.Net;
using Collage.Proxy.Configuration;
using Collage.Proxy.Hosting;
using Collage.Transforms.Configuration;
using Collage.Tests.Functional.Infrastructure;
using Collage.Transforms.Mounts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using static Collage.Tests.Deployment.KubernetesManifests;

namespace Collage.Tests.Deployment;

/// <summary>The manifests under deploy/ must agree with the program: ports, paths, probes, config format.</summary>
public sealed class KubernetesManifestTests
{
    private readonly KubernetesManifests _manifests = KubernetesManifests.Load();

    private YamlDotNet.RepresentationModel.YamlMappingNode Container =>
        Items(_manifests.Single("Deployment"), "spec", "template", "spec", "containers").Single();

    [Fact]
    public void Load_EveryDocumentHasKindAndName_AndKustomizationListsEveryFile()
    {
        _manifests.Documents.Should().NotBeEmpty();
        _manifests.Documents.Should().OnlyContain(d => Scalar(d.Document, "kind") != null && (Scalar(d.Document, "metadata", "name") != null || Scalar(d.Document, "kind") == "Kustomization"));
        var listed = ((YamlDotNet.RepresentationModel.YamlSequenceNode)Node(_manifests.Single("Kustomization"), "resources")!).Children.Select(c => c.ToString());
        listed.Should().BeEquivalentTo(_manifests.Documents.Select(d => d.File).Where(f => f != "kustomization.yaml").Distinct());
    }

    [Fact]
    public void Deployment_ContainerPort_IsTheProgramsDefaultPortAndItsEnvironment()
    {
        var port = Items(Container, "ports").Single();
        int.Parse(Scalar(port, "containerPort")!, System.Globalization.CultureInfo.InvariantCulture).Should().Be(new ServerOptions().Port);
        Items(Container, "env").Should().Contain(e => Scalar(e, "name") == "COLLAGE_PORT" && Scalar(e, "value") == Scalar(port, "containerPort"));
        foreach (var probe in new[] { "readinessProbe", "livenessProbe", "startupProbe" })
        {
            Scalar(Container, probe, "httpGet", "port").Should().Be(Scalar(port, "name"), $"{probe} must target the named port");
        }
    }

    [Fact]
    public async Task Deployment_ProbePaths_AreAnsweredByTheGateway()
    {
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = "http://127.0.0.1:9/team" } });

        foreach (var probe in new[] { "readinessProbe", "livenessProbe", "startupProbe" })
        {
            var path = Scalar(Container, probe, "httpGet", "path");
            path.Should().NotBeNull();
            using var response = await collage.Client.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, $"{probe} asks {path}");
        }
    }

    [Fact]
    public void Deployment_RunsAsNonRootWithReadOnlyRoot_AndMountsWhereTheImageLooks()
    {
        var pod = Node(_manifests.Single("Deployment"), "spec", "template", "spec")!;
        Scalar(pod, "securityContext", "runAsNonRoot").Should().Be("true");
        Scalar(Container, "securityContext", "readOnlyRootFilesystem").Should().Be("true");
        Scalar(Container, "securityContext", "allowPrivilegeEscalation").Should().Be("false");
        Scalar(Container, "resources", "limits", "memory").Should().NotBeNull();

        var dockerfile = File.ReadAllText(RepositoryFiles.PathOf("Dockerfile"));
        var mounts = Items(Container, "volumeMounts").ToDictionary(m => Scalar(m, "name")!, m => Scalar(m, "mountPath")!);
        dockerfile.Should().Contain($"COLLAGE_CONFIG_DIR={mounts["config"]}");
        dockerfile.Should().Contain($"COLLAGE_EXTRA_CA_DIR={mounts["extra-ca"]}");
        dockerfile.Should().Contain($"EXPOSE {new ServerOptions().Port}");
    }

    [Fact]
    public void ServiceIngressHpaPdb_PointAtTheDeployment()
    {
        var deployment = _manifests.Single("Deployment");
        var name = Scalar(deployment, "metadata", "name");
        var podLabel = Scalar(deployment, "spec", "template", "metadata", "labels", "app.kubernetes.io/name");
        var service = _manifests.Single("Service");
        var servicePort = Items(service, "spec", "ports").Single();

        Scalar(service, "spec", "selector", "app.kubernetes.io/name").Should().Be(podLabel);
        Scalar(servicePort, "targetPort").Should().Be(Scalar(Items(Container, "ports").Single(), "name"));
        var paths = Items(Items(_manifests.Single("Ingress"), "spec", "rules").Single(), "http", "paths");
        foreach (var path in paths)
        {
            Scalar(path, "backend", "service", "name").Should().Be(Scalar(service, "metadata", "name"));
            Scalar(path, "backend", "service", "port", "name").Should().Be(Scalar(servicePort, "name"));
        }

        // The registry API and the web page at its default path; nothing else of Collage's (metrics, probes) goes out.
        paths.Select(p => Scalar(p, "path")).Should().Equal("/v2", new Collage.Proxy.Ui.UiOptions().Path);

        Scalar(_manifests.Single("HorizontalPodAutoscaler"), "spec", "scaleTargetRef", "name").Should().Be(name);
        Scalar(_manifests.Single("PodDisruptionBudget"), "spec", "selector", "matchLabels", "app.kubernetes.io/name").Should().Be(podLabel);
    }

    [Fact]
    public void ConfigMap_ConfigJson_IsAcceptedByTheGateway()
    {
        var table = MountTableBuilder.Build(ReadConfigMap());

        table.Global.Resolve("caasp/velum")!.Value.UpstreamName.Should().Be("kubic/v3/velum");
        table.Global.Resolve("library/alpine")!.Value.Upstream.Authority.Should().Be("registry-1.docker.io");
        table.Vhosts.Keys.Should().Contain("docker.io");
    }

    [Fact]
    public void Deployment_CacheVolume_IsMountedAtTheConfiguredCachePathAndHoldsMaxSize()
    {
        var cache = ReadConfigMap().Cache;
        cache.Should().NotBeNull("the example enables the pull-through cache");

        var mount = Items(Container, "volumeMounts").Should().ContainSingle(m => Scalar(m, "mountPath") == cache!.Path, "the cache folder must be a volume: the root file system is read-only").Subject;
        Scalar(mount, "readOnly").Should().NotBe("true");
        var volume = Items(_manifests.Single("Deployment"), "spec", "template", "spec", "volumes").Single(v => Scalar(v, "name") == Scalar(mount, "name"));
        var sizeLimit = Scalar(volume, "emptyDir", "sizeLimit");
        sizeLimit.Should().NotBeNull("an emptyDir without a limit may fill the node's disk");
        Quantity(sizeLimit!).Should().BeGreaterThan(cache!.MaxSize, "the cache stays under maxSize, spool files included; the volume must hold that");

        // The image's default cache path ($XDG_CACHE_HOME/collage) is the same folder, declared as a volume.
        var dockerfile = File.ReadAllText(RepositoryFiles.PathOf("Dockerfile"));
        dockerfile.Should().Contain($"XDG_CACHE_HOME={Path.GetDirectoryName(cache.Path)}");
        Path.GetFileName(cache.Path).Should().Be("collage");
        dockerfile.Should().Contain($"VOLUME [\"{cache.Path}\"]");
    }

    // A Kubernetes quantity with a binary suffix ("5Gi"), the only kind the manifests use for sizes.
    private static long Quantity(string text)
    {
        var units = new Dictionary<string, int> { ["Ki"] = 10, ["Mi"] = 20, ["Gi"] = 30, ["Ti"] = 40 };
        var unit = units.Keys.Single(text.EndsWith);
        return long.Parse(text[..^unit.Length], System.Globalization.CultureInfo.InvariantCulture) << units[unit];
    }

    private CollageOptions ReadConfigMap()
    {
        var json = Scalar(_manifests.Single("ConfigMap"), "data", "config.json");
        json.Should().NotBeNull();
        return ReadConfig(json!);
    }
}
