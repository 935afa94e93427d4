namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>A process exited with a non-zero code; the message carries its captured output.</summary>
internal sealed class ProcessFailedException : Exception
{
    public ProcessFailedException(ProcessResult result)
        : base($"'{result.Command}' exited with {result.ExitCode} after {result.Elapsed.TotalSeconds:F1} s.{Environment.NewLine}"
            + $"stderr:{Environment.NewLine}{result.StandardError}{Environment.NewLine}stdout:{Environment.NewLine}{Tail(result.StandardOutput)}")
    {
        Result = result;
    }

    /// <summary>The failed run.</summary>
    public ProcessResult Result { get; }

    private static string Tail(string text) => text.Length <= 4000 ? text : "..." + text[^4000..];
}
