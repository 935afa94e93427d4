using System.Diagnostics;
using System.Net.Sockets;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// A private containerd: its socket, root and state in a temp folder, the CRI plugin disabled (no kubelet
/// here), started as a child process and killed with its tree on dispose. <see cref="PullAsync"/> runs
/// <c>ctr images pull</c> against it; ctr itself talks to the registry (the daemon stores content and unpacks).
/// </summary>
internal sealed class ContainerdDaemon : IAsyncDisposable
{
    private const string Binary = "containerd";
    private const string CtrBinary = "ctr";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly TempDirectory _directory;
    private readonly BackgroundProcess _process;

    private ContainerdDaemon(TempDirectory directory, BackgroundProcess process)
    {
        _directory = directory;
        _process = process;
    }

    /// <summary>The gRPC socket to pass to <c>ctr --address</c>.</summary>
    public string Socket => _directory.Combine("containerd.sock");

    /// <summary>How long one ctr run may take. Default 120 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The daemon's own log, for failure messages.</summary>
    public string LogText => _process.DescribeOutput();

    /// <summary>Starts containerd and waits (bounded) until its socket answers.</summary>
    public static async Task<ContainerdDaemon> StartAsync(CancellationToken cancellationToken = default)
    {
        var directory = TempDirectory.Create("containerd");
        try
        {
            var config = directory.Combine("config.toml");
            await File.WriteAllTextAsync(config, Config(directory), cancellationToken);
            var process = BackgroundProcess.Start(Binary, ["--config", config], directory.Path);
            var daemon = new ContainerdDaemon(directory, process);
            try
            {
                await daemon.WaitUntilReadyAsync(cancellationToken);
                return daemon;
            }
            catch
            {
                await daemon.DisposeAsync();
                throw;
            }
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <c>ctr images pull --hosts-dir HOSTS REF</c> with <paramref name="environment"/> (e.g. <c>GODEBUG</c>)
    /// and <paramref name="extra"/> flags; throws unless it exits 0.
    /// </summary>
    public async Task<ProcessResult> PullAsync(string reference, string hostsDirectory, IReadOnlyDictionary<string, string>? environment = null, params string[] extra)
    {
        var result = await ProcessRunner.RunAsync(
            CtrBinary,
            ["--address", Socket, "images", "pull", "--hosts-dir", hostsDirectory, .. extra, reference],
            Timeout,
            environment);
        return result.EnsureSuccess();
    }

    /// <summary><c>ctr images ls -q</c>: the names of the images the daemon holds.</summary>
    public async Task<IReadOnlyList<string>> ImageNamesAsync()
    {
        var result = (await ProcessRunner.RunAsync(CtrBinary, ["--address", Socket, "images", "ls", "-q"], Timeout)).EnsureSuccess();
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Kills the daemon and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        _process.Dispose();
        await Task.Run(_directory.Dispose);
    }

    private static string Config(TempDirectory directory) => $"""
        # A private daemon for tests: nothing under /var/lib or /run, no CRI (that is for kubelet), no TCP.
        version = 2
        root = "{directory.Combine("root")}"
        state = "{directory.Combine("state")}"
        disabled_plugins = ["io.containerd.grpc.v1.cri"]

        [grpc]
          address = "{directory.Combine("containerd.sock")}"

        [ttrpc]
          address = "{directory.Combine("containerd.sock.ttrpc")}"

        [debug]
          address = ""

        [metrics]
          address = ""
        """;

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"containerd exited during start-up.{Environment.NewLine}{LogText}");
            }

            if (File.Exists(Socket) && await CanConnectAsync(cancellationToken))
            {
                return;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        throw new TimeoutException($"containerd did not open {Socket} within {StartTimeout.TotalSeconds:F0} s.{Environment.NewLine}{LogText}");
    }

    private async Task<bool> CanConnectAsync(CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Socket), cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
