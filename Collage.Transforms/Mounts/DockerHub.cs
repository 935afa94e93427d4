namespace Collage.Transforms.Mounts;

/// <summary>Docker Hub's naming rules, as docker's reference package applies them.</summary>
internal static class DockerHub
{
    /// <summary>The host Docker Hub's registry API answers on.</summary>
    public const string RegistryHost = "registry-1.docker.io";

    /// <summary>The namespace of Docker Hub's official images.</summary>
    public const string OfficialNamespace = "library";

    /// <summary>Every name of Docker Hub's registry; each means the same registry.</summary>
    public static readonly IReadOnlyList<string> HostAliases = ["docker.io", "index.docker.io", RegistryHost];

    /// <summary><c>docker.io</c> and <c>index.docker.io</c> are names for the same registry.</summary>
    public static string NormalizeHost(string host) =>
        host is "docker.io" or "index.docker.io" or RegistryHost ? RegistryHost : host;

    public static bool IsDockerHub(string host) => host == RegistryHost;
}
