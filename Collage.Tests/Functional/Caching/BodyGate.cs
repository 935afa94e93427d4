namespace Collage.Tests.Functional.Caching;

/// <summary>
/// Holds a fake upstream's body mid-way: the upstream sends at most <see cref="Allowed"/> bytes and waits for the test
/// to allow more, so a test decides exactly how far a fetch has got (no sleeps standing in for progress).
/// </summary>
internal sealed class BodyGate
{
    private readonly object _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _allowed;

    public BodyGate(long allowed = 0)
    {
        _allowed = allowed;
    }

    /// <summary>How many bytes of the body the upstream may have sent.</summary>
    public long Allowed
    {
        get
        {
            lock (_lock)
            {
                return _allowed;
            }
        }
    }

    /// <summary>Lets the upstream send up to <paramref name="bytes"/> in all.</summary>
    public void Allow(long bytes)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _allowed = Math.Max(_allowed, bytes);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>Lets the whole body through.</summary>
    public void Open() => Allow(long.MaxValue);

    /// <summary>Waits until more than <paramref name="sent"/> bytes are allowed, and returns how many.</summary>
    public async Task<long> WaitBeyondAsync(long sent, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_allowed > sent)
                {
                    return _allowed;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }
}
