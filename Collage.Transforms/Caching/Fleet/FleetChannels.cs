namespace Collage.Transforms.Caching.Fleet;

/// <summary>
/// This replica's subscription to the fleet's stored and released channels (one for all its waiters, made at the
/// first wait), and the waiters it wakes. StackExchange.Redis subscribes again by itself after a reconnect; a message
/// sent while disconnected is lost, which the waiters' poll covers.
/// </summary>
internal sealed class FleetChannels(FleetConnection connection, FleetBreaker breaker, FleetKeys keys) : IDisposable
{
    private readonly FleetWaiters _waiters = new();
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private volatile bool _subscribed;

    /// <summary>The number of hexes waited on, for tests.</summary>
    public int WaitingCount => _waiters.Count;

    /// <summary>Registers a waiter on <paramref name="hex"/> once the channels are subscribed, so no later message is missed.</summary>
    public async Task<TaskCompletionSource<LeaseWait>> AddWaiterAsync(string hex, CancellationToken cancellationToken)
    {
        await EnsureSubscribedAsync(cancellationToken).ConfigureAwait(false);
        return _waiters.Add(hex);
    }

    /// <summary>Removes a waiter <see cref="AddWaiterAsync"/> returned.</summary>
    public void RemoveWaiter(string hex, TaskCompletionSource<LeaseWait> waiter) => _waiters.Remove(hex, waiter);

    /// <inheritdoc/>
    public void Dispose() => _subscribing.Dispose();

    private async Task EnsureSubscribedAsync(CancellationToken cancellationToken)
    {
        if (_subscribed)
        {
            return;
        }

        await _subscribing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_subscribed)
            {
                await breaker.RunAsync("subscribe", SubscribeAsync, cancellationToken).ConfigureAwait(false);
                _subscribed = true;
            }
        }
        finally
        {
            _subscribing.Release();
        }
    }

    private async Task<bool> SubscribeAsync()
    {
        var subscriber = (await connection.GetAsync().ConfigureAwait(false)).GetSubscriber();
        await subscriber.SubscribeAsync(keys.StoredChannel, (_, hex) => _waiters.Signal(hex.ToString(), LeaseWait.Stored)).ConfigureAwait(false);
        await subscriber.SubscribeAsync(keys.ReleasedChannel, (_, hex) => _waiters.Signal(hex.ToString(), LeaseWait.Released)).ConfigureAwait(false);
        return true;
    }
}
