namespace Collage.Transforms.Caching.Fleet;

/// <summary>
/// This replica's waiters on other replicas' fetches, by hex: the messages of the stored and released channels
/// complete them. A waiter registers before it looks at Redis, so a message sent between the look and the wait still
/// reaches it.
/// </summary>
internal sealed class FleetWaiters
{
    private readonly Dictionary<string, List<TaskCompletionSource<LeaseWait>>> _byHex = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The number of hexes waited on, for tests.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byHex.Count;
            }
        }
    }

    /// <summary>A new waiter on <paramref name="hex"/>; pass it to <see cref="Remove"/> when done.</summary>
    public TaskCompletionSource<LeaseWait> Add(string hex)
    {
        var waiter = new TaskCompletionSource<LeaseWait>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (!_byHex.TryGetValue(hex, out var list))
            {
                _byHex[hex] = list = [];
            }

            list.Add(waiter);
        }

        return waiter;
    }

    /// <summary>Removes a waiter <see cref="Add"/> returned.</summary>
    public void Remove(string hex, TaskCompletionSource<LeaseWait> waiter)
    {
        lock (_lock)
        {
            if (_byHex.TryGetValue(hex, out var list) && list.Remove(waiter) && list.Count == 0)
            {
                _byHex.Remove(hex);
            }
        }
    }

    /// <summary>Completes every waiter on <paramref name="hex"/> with <paramref name="outcome"/> (the first outcome wins).</summary>
    public void Signal(string hex, LeaseWait outcome)
    {
        TaskCompletionSource<LeaseWait>[] waiters;
        lock (_lock)
        {
            if (!_byHex.TryGetValue(hex, out var list))
            {
                return;
            }

            waiters = [.. list];
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetResult(outcome);
        }
    }
}
