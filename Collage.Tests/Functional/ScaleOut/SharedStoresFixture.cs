using Collage.Tests.Common;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// One s3rver and one redis-server for a test class; each test's fleet works under a prefix of its own (bucket prefix
/// and Redis key prefix), so the tests of a class cannot see each other's objects or keys.
/// </summary>
public sealed class SharedStoresFixture : IAsyncLifetime
{
    private S3rverServer? _s3;
    private RedisServer? _redis;

    internal S3rverServer S3 => _s3 ?? throw new InvalidOperationException("Not started.");

    internal RedisServer Redis => _redis ?? throw new InvalidOperationException("Not started.");

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        _s3 = await S3rverServer.StartAsync();
        _redis = await RedisServer.StartAsync();
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_s3 is not null)
        {
            await _s3.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
