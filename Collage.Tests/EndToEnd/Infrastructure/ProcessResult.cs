using System.Text;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>The outcome of a finished process run by <see cref="ProcessRunner"/>.</summary>
/// <param name="Command">The command line, for messages.</param>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutputBytes">Standard output exactly as written (manifests must keep their bytes).</param>
/// <param name="StandardError">Standard error as text.</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
internal sealed record ProcessResult(string Command, int ExitCode, byte[] StandardOutputBytes, string StandardError, TimeSpan Elapsed)
{
    /// <summary>Standard output decoded as UTF-8.</summary>
    public string StandardOutput => Encoding.UTF8.GetString(StandardOutputBytes);

    /// <summary>Throws <see cref="ProcessFailedException"/> unless the exit code is 0.</summary>
    public ProcessResult EnsureSuccess()
    {
        if (ExitCode != 0)
        {
            throw new ProcessFailedException(this);
        }

        return this;
    }
}
