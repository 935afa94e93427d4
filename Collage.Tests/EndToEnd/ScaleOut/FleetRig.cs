using Collage.Tests.Common;
using Collage.Tests.EndToEnd.Caching;
using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Transforms.Caching.Shared;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collage.Tests.EndToEnd.ScaleOut;

/// <summary>
/// A fleet of Collage processes that share one cache: a real S3-compatible server (s3rver) and a real redis-server
/// on 127.0.0.1, each replica with a cold local folder of its own, every replica mounting <c>apps</c> on one upstream.
/// </summary>
internal sealed class FleetRig : IAsyncDisposable
{
    private readonly TempDirectory _work;
    private readonly List<CollageProcess> _replicas = [];

    private FleetRig(TempDirectory work, S3rverServer? s3, RedisServer? redis, string upstream, string prefix)
    {
        _work = work;
        S3 = s3;
        Redis = redis;
        Upstream = upstream;
        Prefix = prefix;
    }

    /// <summary>The shared store, or null for a fleet without one.</summary>
    public S3rverServer? S3 { get; }

    /// <summary>The fleet's Redis, or null for a fleet without one.</summary>
    public RedisServer? Redis { get; }

    /// <summary>The upstream authority <c>apps</c> is mounted on (<c>apps</c> is <c>team</c> there).</summary>
    public string Upstream { get; }

    /// <summary>The bucket prefix and Redis key prefix of this fleet.</summary>
    public string Prefix { get; }

    /// <summary>The replicas started so far.</summary>
    public IReadOnlyList<CollageProcess> Replicas => _replicas;

    /// <summary>Starts the shared parts; replicas come from <see cref="StartReplicaAsync"/>.</summary>
    public static async Task<FleetRig> StartAsync(string name, string upstream, bool s3 = true, bool redis = true)
    {
        var work = TempDirectory.Create(name);
        var store = s3 ? await S3rverServer.StartAsync() : null;
        var coordination = redis ? await RedisServer.StartAsync() : null;
        return new FleetRig(work, store, coordination, upstream, name + "/");
    }

    /// <summary>The config of one replica with its own local folder.</summary>
    public object ConfigFor(int replica, string leaseTime = "00:00:03", string followers = "stream", int? port = null) => new
    {
        mappings = new Dictionary<string, string> { ["apps"] = $"http://{Upstream}/team" },
        cache = new Dictionary<string, object?>
        {
            ["path"] = _work.Combine($"replica-{replica}"),
            ["maxSize"] = "2GiB",
            ["localMaxSize"] = "1GiB",
            ["store"] = S3 is null ? "filesystem" : "s3",
            ["s3"] = S3 is null ? null : new
            {
                bucket = S3rverServer.Bucket,
                prefix = Prefix,
                endpoint = S3.Endpoint.AbsoluteUri,
                pathStyle = true,
                accessKeyId = S3rverServer.AccessKey,
                secretAccessKeyFile = S3.SecretKeyFile,
                disablePayloadSigning = true,
                checksumsWhenRequired = true,
            },
            ["redis"] = Redis is null ? null : new
            {
                configuration = Redis.Configuration,
                keyPrefix = Prefix,
                leaseTime,
                followers,
                advertiseUrl = port is { } p ? $"http://127.0.0.1:{p}/" : null,
            },
        }.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value),
    };

    /// <summary>Starts one more replica and returns it.</summary>
    public async Task<CollageProcess> StartReplicaAsync(string leaseTime = "00:00:03", string followers = "stream")
    {
        var index = _replicas.Count;
        var file = _work.Combine($"replica-{index}.json");
        var replica = await CollageProcess.StartAsync(file, port => CollageProcess.WriteConfigAsync(file, ConfigFor(index, leaseTime, followers, port)));
        _replicas.Add(replica);
        return replica;
    }

    /// <summary>The hex digests of the objects the shared store holds under this fleet's prefix, as S3 lists them.</summary>
    public async Task<IReadOnlyList<string>> StoredObjectsAsync()
    {
        using var store = new S3ContentStore(S3!.Options(Prefix), TimeProvider.System, NullLogger<S3ContentStore>.Instance);
        var hexes = new List<string>();
        await foreach (var info in store.ListAsync(CancellationToken.None))
        {
            hexes.Add(info.Hex);
        }

        return hexes;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        if (S3 is not null)
        {
            await S3.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        _work.Dispose();
    }
}
