using Collage.Tests.Caching.Storage;
using Collage.Transforms.Caching;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collage.Tests.Caching;

public sealed class PullThroughCacheTests
{
    [Fact]
    public async Task Open_PathIsAFile_StopsStartUpNamingCachePath()
    {
        await using var harness = new IndexHarness();
        var file = Path.Combine(harness.Folder, "not-a-folder");
        await File.WriteAllTextAsync(file, "x");

        var open = () => PullThroughCache.Open(new CacheOptions { Path = file }, new CacheUpstream(null!), harness.Metrics, TimeProvider.System, NullLogger.Instance);

        open.Should().Throw<CollageConfigException>()
            .Which.Message.Should().Contain("cache:path").And.Contain("Point cache.path at a folder");
    }

    [Fact]
    public async Task Open_NoOptions_IsDisabled()
    {
        await using var harness = new IndexHarness();

        await using var cache = PullThroughCache.Open(null, new CacheUpstream(null!), harness.Metrics, TimeProvider.System, NullLogger.Instance);

        cache.IsEnabled.Should().BeFalse();
    }
}
