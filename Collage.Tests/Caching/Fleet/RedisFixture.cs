using Collage.Tests.Common;
using Collage.Transforms.Caching.Fleet;
using Collage.Transforms.Configuration;
using StackExchange.Redis;
using Xunit;

namespace Collage.Tests.Caching.Fleet;

/// <summary>
/// One redis-server for a test class; each test takes its own key prefix, so tests in the class cannot see each
/// other's keys. Coordinators made here (the replicas) and a plain connection (to look at or plant keys) are closed
/// with the fixture too, in case a test failed before disposing them.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    // Wide: a loaded CI machine (2 cores, the whole suite in parallel) can stall a round trip for a second or more.
    internal static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(5);

    private readonly List<IAsyncDisposable> _owned = [];
    private RedisServer? _server;
    private ConnectionMultiplexer? _plain;

    internal RedisServer Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>A plain connection to the server, to inspect keys.</summary>
    internal IDatabase Plain => (_plain ?? throw new InvalidOperationException("not started")).GetDatabase();

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _plain = await ConnectionMultiplexer.ConnectAsync(_server.Configuration);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        if (_plain is not null)
        {
            await _plain.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A prefix no other test uses.</summary>
    internal static string NewPrefix() => $"t{Guid.NewGuid():N}:";

    /// <summary>A coordinator (one replica) on this server under <paramref name="prefix"/>.</summary>
    internal RedisFleetCoordinator Replica(string prefix, TimeSpan? leaseTime = null, RecordingLogger<RedisFleetCoordinator>? logger = null)
    {
        var coordinator = Create(
            new RedisOptions
            {
                Configuration = Server.Configuration,
                KeyPrefix = prefix,
                LeaseTime = leaseTime ?? TimeSpan.FromMinutes(10),
                OperationTimeout = OperationTimeout,
            },
            logger);
        lock (_owned)
        {
            _owned.Add(coordinator);
        }

        return coordinator;
    }

    /// <summary>A coordinator of <paramref name="options"/> (the caller disposes it).</summary>
    internal static RedisFleetCoordinator Create(RedisOptions options, RecordingLogger<RedisFleetCoordinator>? logger = null) =>
        new(options, TimeProvider.System, logger ?? new RecordingLogger<RedisFleetCoordinator>());

    /// <summary>A random sha256-like hex.</summary>
    internal static string NewHex() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>Waits (bounded) for <paramref name="token"/> to be cancelled; false if it was not within <paramref name="within"/>.</summary>
    internal static async Task<bool> CancelledWithin(CancellationToken token, TimeSpan within)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = token.Register(() => cancelled.TrySetResult());
        return await Task.WhenAny(cancelled.Task, Task.Delay(within)) == cancelled.Task;
    }
}
