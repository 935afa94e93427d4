using Collage.Tests.Functional.Caching;
using Collage.Tests.Functional.Infrastructure;
using Collage.Transforms.Caching;
using Collage.Transforms.Caching.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// In-process Collage replicas sharing one cache: the fixture's s3rver (bucket prefix <see cref="Prefix"/>) and, unless
/// told otherwise, its redis-server (the same string as key prefix), each replica with a cold local folder of its own,
/// all mounting <c>a</c> on <c>team-a</c> and <c>b</c> on <c>team-b</c> of one <see cref="FakeOciRegistry"/>.
/// </summary>
internal sealed class SharedFleet : IAsyncDisposable
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);
    private readonly SharedStoresFixture _stores;
    private readonly bool _redis;
    private readonly List<CollageServer> _replicas = [];
    private readonly List<string> _folders = [];

    private SharedFleet(SharedStoresFixture stores, bool redis, FakeOciRegistry upstream)
    {
        _stores = stores;
        _redis = redis;
        Upstream = upstream;
        Prefix = $"f{Guid.NewGuid():N}/";
    }

    /// <summary>The bucket prefix and Redis key prefix of this fleet alone.</summary>
    public string Prefix { get; }

    /// <summary>The upstream every replica mounts <c>a</c> and <c>b</c> on.</summary>
    public FakeOciRegistry Upstream { get; }

    /// <summary>Starts the upstream; replicas come from <see cref="StartReplicaAsync"/>.</summary>
    public static async Task<SharedFleet> StartAsync(SharedStoresFixture stores, bool redis = true) =>
        new(stores, redis, await FakeOciRegistry.StartAsync());

    /// <summary>Starts one more replica.</summary>
    /// <param name="redirectHits">cache.s3.redirectHits.</param>
    /// <param name="maxSize">cache.maxSize, the bound of the bucket.</param>
    /// <param name="tagTtl">cache.tagTtl.</param>
    /// <param name="redisConfiguration">cache.redis.configuration instead of the fixture's server (e.g. a closed port).</param>
    /// <param name="time">The replica's clock; the system's when null.</param>
    /// <param name="mappings">More mounts beside <c>a</c> and <c>b</c>.</param>
    /// <param name="s3Endpoint">cache.s3.endpoint instead of the fixture's s3rver (e.g. a proxy in front of it).</param>
    /// <param name="s3RequestTimeout">cache.s3.requestTimeout.</param>
    public async Task<CollageServer> StartReplicaAsync(
        bool redirectHits = false, string maxSize = "1GiB", string tagTtl = "00:05:00", string? redisConfiguration = null,
        TimeProvider? time = null, IReadOnlyDictionary<string, string>? mappings = null, Uri? s3Endpoint = null,
        string s3RequestTimeout = "00:00:10")
    {
        var folder = Directory.CreateTempSubdirectory("collage-fleet-").FullName;
        _folders.Add(folder);
        var s3 = _stores.S3;
        var cache = new Dictionary<string, object>
        {
            ["path"] = folder,
            ["maxSize"] = maxSize,
            ["localMaxSize"] = "64MiB",
            ["tagTtl"] = tagTtl,
            ["store"] = "s3",
            ["s3"] = new
            {
                bucket = Tests.Common.S3rverServer.Bucket,
                prefix = Prefix,
                endpoint = (s3Endpoint ?? s3.Endpoint).AbsoluteUri,
                pathStyle = true,
                accessKeyId = Tests.Common.S3rverServer.AccessKey,
                secretAccessKeyFile = s3.SecretKeyFile,
                disablePayloadSigning = true,
                checksumsWhenRequired = true,
                redirectHits,
                requestTimeout = s3RequestTimeout,
            },
        };
        if (_redis)
        {
            cache["redis"] = new { configuration = redisConfiguration ?? _stores.Redis.Configuration, keyPrefix = Prefix, leaseTime = "00:00:15" };
        }

        var mounts = new Dictionary<string, string>
        {
            ["a"] = $"http://{Upstream.Authority}/team-a",
            ["b"] = $"http://{Upstream.Authority}/team-b",
        };
        foreach (var (name, target) in mappings ?? new Dictionary<string, string>())
        {
            mounts[name] = target;
        }

        var config = new { mappings = mounts, cache };
        var replica = time is null
            ? await CollageServer.StartAsync(config)
            : await CollageServer.StartAsync(config, services => services.AddSingleton(time));
        _replicas.Add(replica);
        return replica;
    }

    /// <summary>A store on the fleet's prefix, to look at the bucket or plant objects in it (the caller disposes it).</summary>
    public S3ContentStore Store() => new(_stores.S3.Options(Prefix), TimeProvider.System, NullLogger<S3ContentStore>.Instance);

    /// <summary>
    /// Waits (bounded) until <paramref name="replica"/> has no fetch running and no upload or announcement left: its
    /// verified blobs are then in the bucket and, with Redis, granted and listed for eviction.
    /// </summary>
    public static async Task SettledAsync(CollageServer replica)
    {
        var cache = replica.Services.GetRequiredService<PullThroughCache>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (cache.Fills.Count > 0 || cache.SharedUploads!.Running > 0)
        {
            clock.Elapsed.Should().BeLessThan(SettleTimeout, "the replica's fetches and uploads should have ended");

            // A poll interval: the uploads run in the background and signal nothing a test can await.
            await Task.Delay(50);
        }
    }

    /// <summary>The hex digests under the fleet's prefix, as S3 lists them.</summary>
    public async Task<IReadOnlyList<SharedObjectInfo>> ListAsync()
    {
        using var store = Store();
        var listed = new List<SharedObjectInfo>();
        await foreach (var info in store.ListAsync(CancellationToken.None))
        {
            listed.Add(info);
        }

        return listed;
    }

    /// <summary>GETs (or <paramref name="method"/>s) <paramref name="path"/> from <paramref name="replica"/>, the body read.</summary>
    public static async Task<(HttpResponseMessage Response, byte[] Body)> SendAsync(CollageServer replica, string path, HttpMethod? method = null, string? range = null, string? accept = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await replica.Client.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>The sha256 hex of a <c>sha256:</c> digest.</summary>
    public static string HexOf(string digest) => digest["sha256:".Length..];

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await Upstream.DisposeAsync();
        foreach (var folder in _folders)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }
}
