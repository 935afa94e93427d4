using System.Net;
using System.Text.Json;
using Collage.Proxy.Configuration;
using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using StackExchange.Redis;
using YamlDotNet.RepresentationModel;
using static Collage.Tests.Deployment.KubernetesManifests;

namespace Collage.Tests.Deployment;

/// <summary>
/// The scale-out overlay (<c>deploy/kubernetes/scale-out</c>), built as kustomize builds it, must agree with the
/// program: its config is accepted with the Secrets mounted where it names them, its Redis is where the configuration
/// string points, and it runs several replicas while the base keeps its own cache volume.
/// </summary>
public sealed class ScaleOutManifestTests : IDisposable
{
    private readonly KubernetesManifests _manifests = KubernetesManifests.Build("scale-out");

    private readonly string _root = Directory.CreateTempSubdirectory("collage-scale-out-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private YamlMappingNode Deployment => _manifests.Named("Deployment", "collage");

    private YamlMappingNode Container => Items(Deployment, "spec", "template", "spec", "containers").Single(c => Scalar(c, "name") == "collage");

    private string ConfigJson => Scalar(_manifests.Named("ConfigMap", "collage-config"), "data", "config.json")!;

    [Fact]
    public void Kustomization_ListsEveryFileOfTheFolderAndBuildsOnTheBase()
    {
        var kustomization = Load("scale-out", "kustomization.yaml");
        var listed = Strings(kustomization, "resources").Concat(Items(kustomization, "patches").Select(p => Scalar(p, "path")!)).ToList();

        listed.Should().Contain("../base");
        listed.Where(f => f != "../base").Should().BeEquivalentTo(
            Directory.GetFiles(RepositoryFiles.PathOf("deploy", "kubernetes", "scale-out"), "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml"));
        _manifests.Documents.Should().OnlyContain(d => Scalar(d.Document, "kind") != "Kustomization");
    }

    [Fact]
    public void Deployment_AdvertiseUrl_IsThePodsIpOnTheContainersPortAfterPodIpIsDefined()
    {
        var env = Items(Container, "env").ToList();
        var names = env.Select(e => Scalar(e, "name")).ToList();
        var advertise = env.Single(e => Scalar(e, "name") == "Collage__Cache__Redis__AdvertiseUrl");
        var port = Scalar(env.Single(e => Scalar(e, "name") == "COLLAGE_PORT"), "value");

        Scalar(advertise, "value").Should().Be($"http://$(POD_IP):{port}", "peers reach the replica where it listens");
        Scalar(env.Single(e => Scalar(e, "name") == "POD_IP"), "valueFrom", "fieldRef", "fieldPath").Should().Be("status.podIP");
        names.IndexOf("POD_IP").Should().BeLessThan(names.IndexOf("Collage__Cache__Redis__AdvertiseUrl"), "the kubelet expands $(VAR) only from variables defined before it");
        Uri.TryCreate(Scalar(advertise, "value")!.Replace("$(POD_IP)", "10.1.2.3", StringComparison.Ordinal), UriKind.Absolute, out _).Should().BeTrue();
    }

    [Fact]
    public void TopLevelKustomization_BuildsTheFilesystemVariant()
    {
        var top = KubernetesManifests.Build().Documents.Select(Identity);
        var files = KubernetesManifests.Load().Documents.Where(d => Scalar(d.Document, "kind") != "Kustomization").Select(Identity);

        top.Should().BeEquivalentTo(files, "kubectl apply -k deploy/kubernetes applies the base as before");
        ReadConfig(Scalar(KubernetesManifests.Load().Single("ConfigMap"), "data", "config.json")!).Cache!.Store.Should().Be(CacheStore.Filesystem);
    }

    [Fact]
    public void ConfigJson_WithTheSecretsMountedAsThePodSeesThem_IsAcceptedByTheGateway()
    {
        var options = ReadMounted();

        var cache = options.Cache!;
        cache.Store.Should().Be(CacheStore.S3);
        cache.S3!.SecretAccessKeyFile.Should().Be(Path.Combine(_root, "run/secrets/collage-s3/secretAccessKey"));
        cache.Redis!.ConfigurationFile.Should().Be(Path.Combine(_root, "run/secrets/collage-redis/configuration"));
        cache.MaxSize.Should().BeGreaterThan(cache.LocalMaxSize, "maxSize bounds the shared bucket, localMaxSize one replica's disk");
        MountTableBuilder.Build(options).Global.Resolve("library/alpine")!.Value.Upstream.Authority.Should().Be("registry-1.docker.io");
    }

    [Fact]
    public void SecretFiles_LieInReadOnlySecretMountsThatHoldThem()
    {
        using var config = JsonDocument.Parse(ConfigJson);
        var cache = config.RootElement.GetProperty("cache");
        var files = new[]
        {
            cache.GetProperty("s3").GetProperty("secretAccessKeyFile").GetString()!,
            cache.GetProperty("redis").GetProperty("configurationFile").GetString()!,
        };
        var mounts = SecretMounts().ToList();

        foreach (var file in files)
        {
            var (mountPath, secret) = mounts.Should().ContainSingle(m => Path.GetDirectoryName(file) == m.MountPath, $"{file} must be in a mounted Secret").Subject;
            Scalar(Items(Container, "volumeMounts").Single(m => Scalar(m, "mountPath") == mountPath), "readOnly").Should().Be("true");
            Scalar(secret, "stringData", Path.GetFileName(file)).Should().NotBeNull($"the Secret mounted at {mountPath} must hold {Path.GetFileName(file)}");
        }
    }

    [Fact]
    public void RedisService_IsWhereTheConfigurationStringPoints()
    {
        var configuration = Scalar(_manifests.Named("Secret", "collage-redis"), "stringData", "configuration")!;
        var endpoint = ConfigurationOptions.Parse(configuration).EndPoints.Should().ContainSingle().Which.Should().BeOfType<DnsEndPoint>().Subject;

        var service = _manifests.Named("Service", endpoint.Host);
        var port = Items(service, "spec", "ports").Should().ContainSingle(p => Scalar(p, "port") == endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)).Subject;
        var redis = _manifests.Named("Deployment", endpoint.Host);
        var labels = (YamlMappingNode)Node(redis, "spec", "template", "metadata", "labels")!;
        var selector = (YamlMappingNode)Node(service, "spec", "selector")!;
        selector.Children.Should().OnlyContain(s => labels.Children.Contains(s), "the Service must select the Redis pods");
        var container = Items(redis, "spec", "template", "spec", "containers").Single();
        Items(container, "ports").Should().Contain(p => Scalar(p, "name") == Scalar(port, "targetPort") && Scalar(p, "containerPort") == "6379");
        Scalar(container, "image").Should().StartWith("redis:7");

        // Neither the gateway's Service nor its PDB may take the Redis pod for a replica.
        Scalar(labels, "app.kubernetes.io/name").Should().NotBe(Scalar(_manifests.Named("Service", "collage"), "spec", "selector", "app.kubernetes.io/name"));
    }

    [Fact]
    public void RedisDeployment_KeepsNothingOnDiskAndSaysToUseAManagedOneInProduction()
    {
        var container = Items(_manifests.Named("Deployment", "collage-redis"), "spec", "template", "spec", "containers").Single();
        var args = Strings(container, "args").ToList();

        args.Should().ContainInConsecutiveOrder("--save", "").And.ContainInConsecutiveOrder("--appendonly", "no");
        Scalar(container, "securityContext", "readOnlyRootFilesystem").Should().Be("true");
        File.ReadAllText(RepositoryFiles.PathOf("deploy", "kubernetes", "scale-out", "redis.yaml")).Should().Contain("In production use a\n# managed or highly available Redis");
    }

    [Fact]
    public void Replicas_AreSeveral_AndTheBasesHpaKeepsThemSo()
    {
        int.Parse(Scalar(Deployment, "spec", "replicas")!, System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(1);
        var hpa = _manifests.Named("HorizontalPodAutoscaler", "collage");
        Scalar(hpa, "spec", "scaleTargetRef", "name").Should().Be("collage");
        int.Parse(Scalar(hpa, "spec", "minReplicas")!, System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(1);
    }

    [Fact]
    public void CacheVolume_StaysAndHoldsThisReplicasShare()
    {
        var cache = ReadMounted().Cache!;

        var mount = Items(Container, "volumeMounts").Should().ContainSingle(m => Scalar(m, "mountPath") == cache.Path, "the spool and local copies need a writable volume").Subject;
        var volume = Items(Deployment, "spec", "template", "spec", "volumes").Single(v => Scalar(v, "name") == Scalar(mount, "name"));
        var sizeLimit = Scalar(volume, "emptyDir", "sizeLimit")!;
        (long.Parse(sizeLimit[..^2], System.Globalization.CultureInfo.InvariantCulture) << 30).Should().BeGreaterThan(cache.LocalMaxSize, $"{sizeLimit} must hold localMaxSize");
        sizeLimit.Should().EndWith("Gi");
    }

    private static (string? Kind, string? Name) Identity((string File, YamlMappingNode Document) d) =>
        (Scalar(d.Document, "kind"), Scalar(d.Document, "metadata", "name"));

    private static YamlMappingNode Load(params string[] file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(RepositoryFiles.PathOf(["deploy", "kubernetes", .. file]));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    // The gateway container's mounts of Secret volumes, with the Secret each one mounts.
    private IEnumerable<(string MountPath, YamlMappingNode Secret)> SecretMounts()
    {
        var volumes = Items(Deployment, "spec", "template", "spec", "volumes").ToDictionary(v => Scalar(v, "name")!);
        foreach (var mount in Items(Container, "volumeMounts"))
        {
            if (Scalar(volumes[Scalar(mount, "name")!], "secret", "secretName") is { } secretName)
            {
                yield return (Scalar(mount, "mountPath")!, _manifests.Named("Secret", secretName));
            }
        }
    }

    // The config as the pod reads it: every Secret volume is laid out under a temporary root as the kubelet would (one
    // file per key) and the config's paths are moved under that root, so a path no mount serves, or a key no Secret
    // holds, is refused by the reader as unreadable, naming its key.
    private CollageOptions ReadMounted()
    {
        var json = ConfigJson;
        foreach (var (mountPath, secret) in SecretMounts())
        {
            var folder = Path.Combine(_root, mountPath.TrimStart('/'));
            Directory.CreateDirectory(folder);
            foreach (var pair in (Node(secret, "stringData") as YamlMappingNode)?.Children.AsEnumerable() ?? [])
            {
                File.WriteAllText(Path.Combine(folder, pair.Key.ToString()), pair.Value.ToString());
            }

            json = json.Replace($"\"{mountPath}/", $"\"{folder}/", StringComparison.Ordinal);
        }

        return ReadConfig(json);
    }
}
