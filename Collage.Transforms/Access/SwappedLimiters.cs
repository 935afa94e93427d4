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
                _ = RetireAsync(old);
            }

            return fresh;
        }
    }

    public void Dispose() => _current?.Dispose();

    private async Task RetireAsync(T old)
    {
        await Task.Delay(TimeSpan.FromMinutes(1), time).ConfigureAwait(false);
        old.Dispose();
    }
}
