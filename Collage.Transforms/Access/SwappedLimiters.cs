namespace Collage.Transforms.Access;

/// <summary>
/// Rate limiters built from a policy's limits, swapped whole when a reload changes them, so a request never reads half
/// of an old set. The set it replaced is disposed a minute later (its timers would live on otherwise), when no request
/// that took it can still be using it.
/// </summary>
/// <typeparam name="T">The limiters of one set of limits.</typeparam>
internal sealed class SwappedLimiters<T>(TimeProvider time, Func<AccessPolicy, T> create, Func<T, AccessPolicy, bool> fits) : IDisposable
    where T : class, IDisposable
{
    private readonly object _lock = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Retirement, byte> _retiring = new();
    private volatile T? _current;

    /// <summary>The limiters of <paramref name="policy"/>'s limits; new ones when they changed.</summary>
    public T For(AccessPolicy policy)
    {
        if (_current is { } current && fits(current, policy))
        {
            return current;
        }

        lock (_lock)
        {
            var old = _current;
            if (old is not null && fits(old, policy))
            {
                return old;
            }

            var fresh = create(policy);
            _current = fresh;
            if (old is not null)
            {
                Retire(old);
            }

            return fresh;
        }
    }

    public void Dispose() => _current?.Dispose();

    // A timer of the TimeProvider, not an awaited delay: the disposal then happens when the time comes, on the timer's
    // callback, with no continuation left to be scheduled (a FakeTimeProvider's Advance runs it at once). The timers
    // are held here until they fire: an unreferenced system timer may be collected before it does.
    private void Retire(T old)
    {
        var retirement = new Retirement(old);
        _retiring[retirement] = 0;
        retirement.Timer = time.CreateTimer(
            state =>
            {
                var due = (Retirement)state!;
                if (_retiring.TryRemove(due, out _))
                {
                    due.Limiters.Dispose();
                    due.Timer?.Dispose();
                }
            },
            retirement,
            TimeSpan.FromMinutes(1),
            Timeout.InfiniteTimeSpan);
    }

    private sealed class Retirement(T limiters)
    {
        public T Limiters { get; } = limiters;

        public ITimer? Timer { get; set; }
    }
}
