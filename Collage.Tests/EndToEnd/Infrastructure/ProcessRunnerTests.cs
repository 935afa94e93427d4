using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Collage.Tests.EndToEnd.Infrastructure;

public sealed class ProcessRunnerTests
{
    [Fact]
    public async Task RunAsync_Echo_CapturesBothStreamsAndExitCode()
    {
        var result = await ProcessRunner.RunAsync("sh", ["-c", "printf out; printf err >&2; exit 3"], TimeSpan.FromSeconds(30));

        result.ExitCode.Should().Be(3);
        result.StandardOutput.Should().Be("out");
        result.StandardError.Should().Be("err");
    }

    [Fact]
    public async Task EnsureSuccess_NonZeroExit_ThrowsWithStderr()
    {
        var result = await ProcessRunner.RunAsync("sh", ["-c", "echo broken-thing >&2; exit 1"], TimeSpan.FromSeconds(30));

        var act = () => result.EnsureSuccess();

        act.Should().Throw<ProcessFailedException>().WithMessage("*broken-thing*").Which.Result.ExitCode.Should().Be(1);
    }

    [Fact]
    public async Task RunAsync_ArgumentsWithSpacesAndQuotes_PassedVerbatim()
    {
        var result = await ProcessRunner.RunAsync("printf", ["%s|", "a b", "\"q\"", "$HOME"], TimeSpan.FromSeconds(30));

        result.EnsureSuccess().StandardOutput.Should().Be("a b|\"q\"|$HOME|");
    }

    [Fact]
    public async Task RunAsync_CommandOutlivesTimeout_ThrowsWithOutputAndKillsTheTree()
    {
        var stopwatch = Stopwatch.StartNew();

        // The shell starts a grandchild and prints its pid; both must die on timeout.
        var act = () => ProcessRunner.RunAsync("sh", ["-c", "sleep 60 & echo child=$!; wait"], TimeSpan.FromSeconds(1));

        var thrown = await act.Should().ThrowAsync<TimeoutException>().WithMessage("*child=*");
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15));
        var pid = int.Parse(Regex.Match(thrown.Which.Message, @"child=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        (await WaitUntilGoneAsync(pid)).Should().BeTrue($"grandchild {pid} must be killed with its parent");
    }

    private static async Task<bool> WaitUntilGoneAsync(int pid)
    {
        for (var i = 0; i < 100; i++)
        {
            // A killed child not yet reaped by its parent shows as a zombie ('Z'): gone for our purpose.
            var stat = $"/proc/{pid}/stat";
            if (!File.Exists(stat) || File.ReadAllText(stat).Split(' ')[2] == "Z")
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }
}
