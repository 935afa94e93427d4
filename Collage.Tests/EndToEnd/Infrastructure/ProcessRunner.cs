using System.Diagnostics;
using System.Text;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// Runs a short-lived command to completion with a timeout, capturing both output streams.
/// On timeout or cancellation the whole process tree is killed and a <see cref="TimeoutException"/>
/// carrying whatever output was captured is thrown.
/// </summary>
internal static class ProcessRunner
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> (no shell); stdin gets
    /// <paramref name="standardInput"/> (e.g. a password for <c>--password-stdin</c>), or is closed at once.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null,
        CancellationToken cancellationToken = default,
        string? standardInput = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                startInfo.Environment[key] = value;
            }
        }

        var command = FormatCommand(startInfo);
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = startInfo };
        process.Start();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
        }

        process.StandardInput.Close();

        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var stdoutCopy = process.StandardOutput.BaseStream.CopyToAsync(stdout, CancellationToken.None);
        var stderrCopy = process.StandardError.BaseStream.CopyToAsync(stderr, CancellationToken.None);

        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutCts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutCts.Token);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            await DrainAsync(stdoutCopy, stderrCopy);
            throw new TimeoutException(
                $"'{command}' did not finish within {timeout.TotalSeconds:F0} s and was killed.{Environment.NewLine}"
                + $"stderr:{Environment.NewLine}{Snapshot(stderr)}{Environment.NewLine}stdout:{Environment.NewLine}{Snapshot(stdout)}");
        }

        await DrainAsync(stdoutCopy, stderrCopy);
        return new ProcessResult(command, process.ExitCode, stdout.ToArray(), Encoding.UTF8.GetString(stderr.ToArray()), stopwatch.Elapsed);
    }

    /// <summary>Kills a process and all its descendants, ignoring a process that already exited.</summary>
    internal static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static async Task DrainAsync(Task stdoutCopy, Task stderrCopy)
    {
        // A grandchild that inherited the pipes could keep them open after the child exited: never wait forever.
        await Task.WhenAll(stdoutCopy, stderrCopy).WaitAsync(DrainTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static string Snapshot(MemoryStream stream) => Encoding.UTF8.GetString(stream.ToArray());

    private static string FormatCommand(ProcessStartInfo startInfo)
        => string.Join(' ', new[] { startInfo.FileName }.Concat(startInfo.ArgumentList.Select(a => a.Contains(' ') ? $"\"{a}\"" : a)));
}
