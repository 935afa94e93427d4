namespace Collage.Transforms.Caching.Fleet;

/// <summary>
/// A fetch lease this replica holds in Redis (<c>lease:&lt;hex&gt;</c> = its random owner id, SET NX PX LeaseTime).
/// A <see cref="TimeProvider"/> timer renews it every third of the lease time with a compare-and-PEXPIRE, re-armed
/// only after a renewal ends so that two never overlap. A renewal that finds another owner, or failures until the
/// next try would come after the expiry, make it <see cref="Lost"/>: from then another replica may take it.
/// </summary>
internal sealed class RedisFetchLease : IFetchLease
{
    private readonly RedisFleetCoordinator _coordinator;
    private readonly string _owner;
    private readonly TimeProvider _time;
    private readonly TimeSpan _leaseTime;
    private readonly TimeSpan _interval;
    private readonly FleetLog _log;
    private readonly CancellationTokenSource _lost = new();
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private Task _renewing = Task.CompletedTask;
    private long _renewedAt;
    private bool _disposed;

    /// <summary>A lease just taken (at <paramref name="takenAt"/>, a timestamp of <paramref name="time"/>).</summary>
    public RedisFetchLease(
        RedisFleetCoordinator coordinator, string hex, string owner, long takenAt, TimeSpan leaseTime, TimeProvider time, FleetLog log)
    {
        _coordinator = coordinator;
        Hex = hex;
        _owner = owner;
        _time = time;
        _leaseTime = leaseTime;
        _interval = leaseTime / 3;
        _log = log;
        _renewedAt = takenAt;
        _timer = time.CreateTimer(static state => ((RedisFetchLease)state!).OnTick(), this, _interval, Timeout.InfiniteTimeSpan);
    }

    /// <inheritdoc/>
    public string Hex { get; }

    /// <inheritdoc/>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Releases the lease if it is still this replica's (and tells the waiters); a failure leaves it to expire.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!await StopAsync().ConfigureAwait(false))
        {
            return;
        }

        if (!_lost.IsCancellationRequested)
        {
            try
            {
                await _coordinator.ReleaseAsync(Hex, _owner).ConfigureAwait(false);
            }
            catch (Exception e) when (e is FleetUnavailableException or ObjectDisposedException)
            {
                _log.ReleaseFailed(Hex, e.Message);
            }
        }

        _coordinator.Untrack(this);
    }

    /// <summary>Stops renewing; false when already stopped. Waits for a renewal in flight.</summary>
    private async Task<bool> StopAsync()
    {
        Task renewing;
        lock (_lock)
        {
            if (_disposed)
            {
                return false;
            }

            _disposed = true;
            renewing = _renewing;
        }

        await _timer.DisposeAsync().ConfigureAwait(false);
        await renewing.ConfigureAwait(false);
        return true;
    }

    private void OnTick()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _renewing = RenewAsync();
            }
        }
    }

    private async Task RenewAsync()
    {
        string? lost = null;
        try
        {
            if (await _coordinator.RenewAsync(Hex, _owner, _leaseTime).ConfigureAwait(false))
            {
                _renewedAt = _time.GetTimestamp();
            }
            else
            {
                lost = "it expired or another replica holds it";
            }
        }
        catch (FleetUnavailableException e)
        {
            // One failed renewal leaves two thirds of the lease: try again, unless the next try would be too late.
            if (_time.GetElapsedTime(_renewedAt) + _interval >= _leaseTime)
            {
                lost = e.Message;
            }
        }
        catch (ObjectDisposedException)
        {
            lost = "the coordinator was closed";
        }

        if (lost is not null)
        {
            _log.LeaseLost(Hex, lost);
            lock (_lock)
            {
                _disposed = true;
            }

            await _timer.DisposeAsync().ConfigureAwait(false);
            await _lost.CancelAsync().ConfigureAwait(false);
            _coordinator.Untrack(this);
            return;
        }

        lock (_lock)
        {
            if (!_disposed)
            {
                _timer.Change(_interval, Timeout.InfiniteTimeSpan);
            }
        }
    }
}
