namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// The podman binary as root with everything it writes in a temp folder: vfs storage (<c>--root</c>,
/// <c>--runroot</c>), <c>--tmpdir</c>, and a private containers.conf (<c>CONTAINERS_CONF</c>) with file locks
/// instead of the default <c>/dev/shm/libpod_lock</c> segment, no event log, and image copies in the temp folder
/// rather than <c>/var/tmp</c>. Only <c>/var/lib/containers/cache/blob-info-cache-v1.boltdb</c> is shared (root's
/// fixed path in containers/image, shared with skopeo; it only remembers where blobs were seen).
/// </summary>
internal sealed class Podman : IDisposable
{
    private const string Binary = "podman";

    private readonly TempDirectory _directory = TempDirectory.Create("podman");

    /// <summary>How long one podman run may take. Default 120 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// <c>podman pull --tls-verify=false REF</c> with <paramref name="registriesConf"/> as
    /// <c>CONTAINERS_REGISTRIES_CONF</c> and <paramref name="environment"/> added; throws unless it exits 0.
    /// </summary>
    public async Task<ProcessResult> PullAsync(string reference, string registriesConf, IReadOnlyDictionary<string, string>? environment = null)
    {
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["CONTAINERS_CONF"] = await WriteContainersConfAsync(),
            ["CONTAINERS_REGISTRIES_CONF"] = registriesConf,
            ["TMPDIR"] = Directory.CreateDirectory(_directory.Combine("tmp")).FullName,
        };
        var result = await ProcessRunner.RunAsync(Binary, [.. GlobalArguments(), "pull", "--tls-verify=false", reference], Timeout, env);
        return result.EnsureSuccess();
    }

    /// <summary>
    /// <c>podman login --tls-verify=false --authfile AUTHFILE -u USER --password-stdin REGISTRY</c> (the password on
    /// stdin, never on the command line); throws unless it exits 0.
    /// </summary>
    public async Task<ProcessResult> LoginAsync(string registry, string username, string password, string authFile)
    {
        var env = new Dictionary<string, string> { ["CONTAINERS_CONF"] = await WriteContainersConfAsync() };
        var result = await ProcessRunner.RunAsync(
            Binary,
            [.. GlobalArguments(), "login", "--tls-verify=false", "--authfile", authFile, "-u", username, "--password-stdin", registry],
            Timeout,
            env,
            standardInput: password + "\n");
        return result.EnsureSuccess();
    }

    /// <summary><c>podman logout --authfile AUTHFILE REGISTRY</c>: forgets the login; throws unless it exits 0.</summary>
    public async Task<ProcessResult> LogoutAsync(string registry, string authFile)
    {
        var env = new Dictionary<string, string> { ["CONTAINERS_CONF"] = await WriteContainersConfAsync() };
        var result = await ProcessRunner.RunAsync(Binary, [.. GlobalArguments(), "logout", "--authfile", authFile, registry], Timeout, env);
        return result.EnsureSuccess();
    }

    /// <summary><c>podman image inspect --format {{.Digest}} REF</c>: the manifest digest of a pulled image.</summary>
    public async Task<string> ImageDigestAsync(string reference)
    {
        var env = new Dictionary<string, string> { ["CONTAINERS_CONF"] = await WriteContainersConfAsync() };
        var result = await ProcessRunner.RunAsync(Binary, [.. GlobalArguments(), "image", "inspect", "--format", "{{.Digest}}", reference], Timeout, env);
        return result.EnsureSuccess().StandardOutput.Trim();
    }

    /// <summary>Deletes the storage and temp folders.</summary>
    public void Dispose() => _directory.Dispose();

    private string[] GlobalArguments() =>
    [
        "--storage-driver", "vfs",
        "--root", _directory.Combine("root"),
        "--runroot", _directory.Combine("runroot"),
        "--tmpdir", _directory.Combine("libpod-tmp"),
    ];

    private async Task<string> WriteContainersConfAsync()
    {
        var path = _directory.Combine("containers.conf");
        var copyTmp = Directory.CreateDirectory(_directory.Combine("copy-tmp")).FullName;
        await File.WriteAllTextAsync(path, $"""
            # podman 4.3: lock_type "file" keeps the locks under --tmpdir (the default "shm" creates /dev/shm/libpod_lock).
            [engine]
            lock_type = "file"
            events_logger = "none"
            image_copy_tmp_dir = "{copyTmp}"
            """);
        return path;
    }
}
