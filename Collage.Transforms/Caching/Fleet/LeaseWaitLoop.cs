namespace Collage.Transforms.Caching.Fleet;

/// <summary>
/// One <see cref="IFleetCoordinator.WaitAsync"/>: registered on the channels first, then a look at Redis (stored
/// marker, the list, the lease), then a wait for a message, the next look or the timeout. An expired lease sends no
/// message (keyspace notifications are off by default, and a fleet should not depend on a Redis setting), so a look
/// every sixth of the lease time finds a dead holder's lease gone within about LeaseTime + LeaseTime/6.
/// </summary>
internal sealed class LeaseWaitLoop(RedisFleetCoordinator coordinator, string hex, TimeSpan pollInterval, TimeProvider time)
{
    // A floor for the poll, so a very short lease time in tests does not poll Redis in a tight loop.
    private static readonly TimeSpan MinimumPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>Waits as the interface says; throws <see cref="FleetUnavailableException"/> when Redis cannot be used.</summary>
    public async Task<LeaseWait> RunAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var poll = pollInterval < MinimumPoll ? MinimumPoll : pollInterval;
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        TaskCompletionSource<LeaseWait>? waiter = null;
        try
        {
            waiter = await coordinator.Channels.AddWaiterAsync(hex, linked.Token).ConfigureAwait(false);
            while (true)
            {
                if (await coordinator.LookAsync(hex, linked.Token).ConfigureAwait(false) is { } state)
                {
                    return state;
                }

                var tick = Task.Delay(poll, time, linked.Token);
                var first = await Task.WhenAny(waiter.Task, tick).ConfigureAwait(false);
                if (first == waiter.Task)
                {
                    // StackExchange.Redis may run the handlers of two channels out of order, so a holder's "stored"
                    // then "released" can arrive the other way round: a release is checked against the marker, which
                    // was set before it, or this replica would fetch the blob again.
                    var signalled = await waiter.Task.ConfigureAwait(false);
                    if (signalled == LeaseWait.Released && await coordinator.LookAsync(hex, linked.Token).ConfigureAwait(false) is LeaseWait.Stored)
                    {
                        return LeaseWait.Stored;
                    }

                    return signalled;
                }

                // Surfaces the timeout or the caller's cancellation as an OperationCanceledException.
                await tick.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return LeaseWait.TimedOut;
        }
        finally
        {
            if (waiter is not null)
            {
                coordinator.Channels.RemoveWaiter(hex, waiter);
            }
        }
    }
}
