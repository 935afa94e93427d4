using System.Net;
using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.EndToEnd.Signatures;

/// <summary>
/// Two gateways in front of one upstream namespace, one without and one with the pull-through cache (its own temp
/// folder, tagTtl 5 minutes); each mounts it as <see cref="Mount"/> and as the root of the vhost <c>127.0.0.2</c>
/// (Collage listens there too, so skopeo can reach the vhost by address).
/// </summary>
internal sealed class GatewayPair : IAsyncDisposable
{
    /// <summary>The global mount's local prefix.</summary>
    public const string Mount = "signed";

    private static readonly IPAddress SecondLoopback = IPAddress.Parse("127.0.0.2");

    private readonly TempDirectory _cache;

    private GatewayPair(TempDirectory cache, CollageServer uncached, CollageServer cached)
    {
        _cache = cache;
        Uncached = uncached;
        Cached = cached;
    }

    /// <summary>The gateway without a cache.</summary>
    public CollageServer Uncached { get; }

    /// <summary>The gateway with the pull-through cache.</summary>
    public CollageServer Cached { get; }

    /// <summary>Starts both gateways for <paramref name="upstream"/> (<c>http://HOST:PORT/NAMESPACE</c>).</summary>
    public static async Task<GatewayPair> StartAsync(string upstream)
    {
        var cache = TempDirectory.Create("gateway-pair-cache");
        CollageServer? uncached = null;
        try
        {
            uncached = await CollageServer.StartAsync(Config(upstream, cache: null), [SecondLoopback]);
            var cached = await CollageServer.StartAsync(Config(upstream, new { path = cache.Path, tagTtl = "00:05:00" }), [SecondLoopback]);
            return new GatewayPair(cache, uncached, cached);
        }
        catch
        {
            if (uncached is not null)
            {
                await uncached.DisposeAsync();
            }

            cache.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One way in: the gateway, the Host to send (<c>127.0.0.1:PORT</c>, or <c>127.0.0.2:PORT</c> for the vhost) and
    /// the local name of the upstream repository <c>NAMESPACE/<paramref name="repository"/></c>.
    /// </summary>
    public GatewayTarget Target(bool cached, bool vhost, string repository)
    {
        var collage = cached ? Cached : Uncached;
        return vhost
            ? new GatewayTarget(collage, $"127.0.0.2:{collage.BaseUri.Port}", repository)
            : new GatewayTarget(collage, collage.BaseUri.Authority, $"{Mount}/{repository}");
    }

    public async ValueTask DisposeAsync()
    {
        await Cached.DisposeAsync();
        await Uncached.DisposeAsync();
        _cache.Dispose();
    }

    private static Dictionary<string, object> Config(string upstream, object? cache)
    {
        var config = new Dictionary<string, object>
        {
            ["mappings"] = new Dictionary<string, string> { [Mount] = upstream },
            ["vhosts"] = new Dictionary<string, object> { ["127.0.0.2"] = new { mappings = new Dictionary<string, string> { ["/"] = upstream } } },
        };
        if (cache is not null)
        {
            config["cache"] = cache;
        }

        return config;
    }
}
