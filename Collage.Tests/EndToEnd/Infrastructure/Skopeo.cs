using System.Text.Json;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// The real skopeo binary, run through <see cref="ProcessRunner"/> with <c>--insecure-policy</c>, a private
/// <c>--tmpdir</c> and a timeout. <c>docker://</c> references get TLS verification turned off, since every
/// registry here is plain HTTP on 127.0.0.1. Failures throw with skopeo's stderr.
/// </summary>
internal sealed class Skopeo : IDisposable
{
    private const string Binary = "skopeo";
    private const string DockerTransport = "docker://";

    private readonly TempDirectory _tmp = TempDirectory.Create("skopeo");

    /// <summary>How long one skopeo run may take. Default 120 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Extra global flags put before the command, e.g. <c>--registries-conf FILE</c> or <c>--override-arch arm64</c>.</summary>
    public IReadOnlyList<string> GlobalArguments { get; init; } = [];

    /// <summary>Extra environment variables for every run, e.g. <c>GODEBUG</c>.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary><c>skopeo copy SRC DEST</c> with <paramref name="extra"/> flags (e.g. <c>--all</c>, <c>--src-creds u:p</c>).</summary>
    public Task<ProcessResult> CopyAsync(string source, string destination, params string[] extra)
    {
        List<string> args = ["copy", "--retry-times", "0"];
        if (source.StartsWith(DockerTransport, StringComparison.Ordinal))
        {
            args.Add("--src-tls-verify=false");
        }

        if (destination.StartsWith(DockerTransport, StringComparison.Ordinal))
        {
            args.Add("--dest-tls-verify=false");
        }

        return RunAsync([.. args, .. extra, source, destination]);
    }

    /// <summary><c>skopeo inspect --raw REF</c>: the manifest exactly as served.</summary>
    public async Task<byte[]> InspectRawAsync(string reference, params string[] extra)
        => (await RunAsync([.. InspectArgs("inspect", reference), "--raw", .. extra, reference])).StandardOutputBytes;

    /// <summary><c>skopeo inspect REF</c>, parsed (pass <c>--no-tags</c> to skip listing tags).</summary>
    public async Task<SkopeoInspection> InspectAsync(string reference, params string[] extra)
        => SkopeoInspection.Parse((await RunAsync([.. InspectArgs("inspect", reference), .. extra, reference])).StandardOutput);

    /// <summary><c>skopeo list-tags REF</c>: the <c>Tags</c> array, in the order the registry gave.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(string reference, params string[] extra)
    {
        var result = await RunAsync([.. InspectArgs("list-tags", reference), .. extra, reference]);
        using var document = JsonDocument.Parse(result.StandardOutputBytes);
        return SkopeoInspection.Strings(document.RootElement, "Tags");
    }

    /// <summary>Runs skopeo with the global flags and <paramref name="arguments"/>; throws unless it exits 0.</summary>
    public async Task<ProcessResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        List<string> args = ["--insecure-policy", "--tmpdir", _tmp.Path, .. GlobalArguments, .. arguments];
        var result = await ProcessRunner.RunAsync(Binary, args, Timeout, Environment, cancellationToken: cancellationToken);
        return result.EnsureSuccess();
    }

    /// <summary>Deletes the private temp folder.</summary>
    public void Dispose() => _tmp.Dispose();

    private static List<string> InspectArgs(string command, string reference)
        => reference.StartsWith(DockerTransport, StringComparison.Ordinal) ? [command, "--tls-verify=false"] : [command];
}
