using Collage.Transforms.Configuration;
using StackExchange.Redis;

namespace Collage.Transforms.Caching.Fleet;

/// <summary>
/// The connection to the fleet's Redis. It is started at construction and never fails Collage's start: with
/// <c>AbortOnConnectFail=false</c> the multiplexer comes back even when Redis is down and connects later by itself.
/// With <see cref="BacklogPolicy.FailFast"/> a command while disconnected fails at once instead of waiting out the
/// timeout in a queue, which is what lets the breaker open quickly.
/// </summary>
internal sealed class FleetConnection : IAsyncDisposable
{
    // A set-up that threw (it does not for an unreachable Redis) is tried again on a use after this long.
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly ConfigurationOptions _configuration;
    private readonly TimeProvider _time;
    private readonly FleetLog _log;
    private readonly Lock _lock = new();
    private Task<ConnectionMultiplexer> _connecting;
    private long _startedAt;
    private bool _disposed;

    /// <summary>Reads the configuration (its file if given) and starts connecting.</summary>
    public FleetConnection(RedisOptions options, TimeProvider time, FleetLog log)
    {
        _configuration = Configure(options);
        _time = time;
        _log = log;
        _startedAt = time.GetTimestamp();
        _connecting = ConnectAsync();
    }

    /// <summary>Whether the multiplexer is connected now.</summary>
    public bool IsConnected => _connecting is { IsCompletedSuccessfully: true } c && c.Result.IsConnected;

    /// <summary>The multiplexer, once set up (a bounded wait: the connect timeout).</summary>
    public Task<ConnectionMultiplexer> GetAsync()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connecting.IsFaulted && _time.GetElapsedTime(_startedAt) >= RetryAfter)
            {
                _startedAt = _time.GetTimestamp();
                _connecting = ConnectAsync();
            }

            return _connecting;
        }
    }

    /// <summary>Closes the connection (without waiting for Redis: the fleet's state is all in Redis already).</summary>
    public async ValueTask DisposeAsync()
    {
        Task<ConnectionMultiplexer> connecting;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            connecting = _connecting;
        }

        try
        {
            var multiplexer = await connecting.ConfigureAwait(false);
            await multiplexer.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (FleetBreaker.IsRedisFailure(e) || e is FleetUnavailableException)
        {
            // Nothing to close.
        }
    }

    private static ConfigurationOptions Configure(RedisOptions options)
    {
        string text;
        if (options.ConfigurationFile is { } file)
        {
            try
            {
                text = File.ReadAllText(file).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"cache.redis.configurationFile '{file}' could not be read ({e.GetType().Name})", e);
            }
        }
        else
        {
            text = options.Configuration?.Trim() ?? string.Empty;
        }

        ConfigurationOptions configuration;
        try
        {
            configuration = ConfigurationOptions.Parse(text);
        }
        catch (ArgumentException)
        {
            // Not the parser's message: it may quote the string, and the string may hold the password.
            throw new InvalidOperationException("cache.redis: the configuration string is not a StackExchange.Redis configuration");
        }

        if (configuration.EndPoints.Count == 0)
        {
            throw new InvalidOperationException("cache.redis: the configuration string names no endpoint");
        }

        var timeout = (int)Math.Clamp(options.OperationTimeout.TotalMilliseconds, 1, int.MaxValue);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = timeout;
        configuration.SyncTimeout = timeout;
        configuration.AsyncTimeout = timeout;
        configuration.ConnectRetry = 1;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        // Reconnect attempts from half a second apart up to 5 s: Redis back after a restart is used within seconds.
        configuration.ReconnectRetryPolicy = new ExponentialRetry(500, 5000);
        configuration.ClientName ??= "collage";
        return configuration;
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(_configuration).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.ConnectFailed(FleetBreaker.Describe(e));
            throw new FleetUnavailableException($"Redis connection not set up: {FleetBreaker.Describe(e)}");
        }
    }
}
