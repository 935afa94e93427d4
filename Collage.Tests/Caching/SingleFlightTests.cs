using Collage.Transforms.Caching;

namespace Collage.Tests.Caching;

public sealed class SingleFlightTests
{
    [Fact]
    public async Task RunAsync_CallersWhileItRuns_ShareOneRun()
    {
        var flight = new SingleFlight<int>();
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        Task<int> Work()
        {
            Interlocked.Increment(ref runs);
            return gate.Task;
        }

        var callers = Enumerable.Range(0, 10).Select(_ => flight.RunAsync("k", Work, CancellationToken.None)).ToArray();
        gate.SetResult(42);

        (await Task.WhenAll(callers)).Should().AllBeEquivalentTo(42);
        runs.Should().Be(1);
    }

    [Fact]
    public async Task RunAsync_OneCallerGivesUp_OthersStillGetTheResult()
    {
        var flight = new SingleFlight<int>();
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var leaving = new CancellationTokenSource();
        var first = flight.RunAsync("k", () => gate.Task, leaving.Token);
        var second = flight.RunAsync("k", () => Task.FromResult(-1), CancellationToken.None);

        await leaving.CancelAsync();
        gate.SetResult(7);

        await FluentActions.Awaiting(() => first).Should().ThrowAsync<OperationCanceledException>();
        (await second).Should().Be(7, "the run belongs to no caller");
    }

    [Fact]
    public async Task RunAsync_AfterARunEnded_RunsAgain()
    {
        var flight = new SingleFlight<int>();
        var runs = 0;

        (await flight.RunAsync("k", () => Task.FromResult(Interlocked.Increment(ref runs)), CancellationToken.None)).Should().Be(1);
        (await flight.RunAsync("k", () => Task.FromResult(Interlocked.Increment(ref runs)), CancellationToken.None)).Should().Be(2);
    }
}
