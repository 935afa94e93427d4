using System.Diagnostics;
using System.Text;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// A long-running child process (a server) whose output lines are collected while it runs.
/// Disposing kills the whole process tree; a process-exit hook does the same if the test host
/// goes down without disposing, so no server outlives the run.
/// </summary>
internal sealed class BackgroundProcess : IDisposable
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();
    private readonly EventHandler _onHostExit;
    private int _disposed;

    private BackgroundProcess(Process process)
    {
        _process = process;
        _onHostExit = (_, _) => ProcessRunner.KillTree(_process);
    }

    /// <summary>The command line, for messages.</summary>
    public required string Command { get; init; }

    /// <summary>The operating system process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Everything written to standard output so far.</summary>
    public string StandardOutput
    {
        get
        {
            lock (_lock)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>Everything written to standard error so far.</summary>
    public string StandardError
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static BackgroundProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var background = new BackgroundProcess(process)
        {
            Command = string.Join(' ', new[] { fileName }.Concat(startInfo.ArgumentList)),
        };
        process.OutputDataReceived += (_, e) => background.Append(background._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => background.Append(background._stderr, e.Data);
        process.Start();
        AppDomain.CurrentDomain.ProcessExit += background._onHostExit;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return background;
    }

    /// <summary>
    /// Waits (bounded) until the process has exited and its output has been read to the end, so that
    /// <see cref="StandardError"/> holds its last words. Returns false on timeout.
    /// </summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            // Unlike WaitForExit(TimeSpan), the async overload also waits for the redirected streams' EOF.
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Both streams, labelled, for failure messages.</summary>
    public string DescribeOutput()
        => $"'{Command}' (pid {Id}, exited: {HasExited}){Environment.NewLine}stderr:{Environment.NewLine}{StandardError}{Environment.NewLine}stdout:{Environment.NewLine}{StandardOutput}";

    /// <summary>Kills the process tree and waits (bounded) for it to be gone.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= _onHostExit;
        ProcessRunner.KillTree(_process);
        _process.WaitForExit(ExitWait);
        _process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            target.AppendLine(line);
        }
    }
}
