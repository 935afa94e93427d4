using Collage.Tests.Functional.Infrastructure;
using Collage.Transforms.Caching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Functional.Caching;

/// <summary>
/// Collage with a pull-through cache in a folder of its own, on a fake clock (tag TTLs and back-offs advance only
/// when the test says), mounting <c>a</c> and <c>b</c> on two repositories of one <see cref="FakeOciRegistry"/>:
/// <c>/v2/a/web</c> is <c>team-a/web</c> upstream and <c>/v2/b/web</c> is <c>team-b/web</c>.
/// </summary>
internal sealed class CachedCollage : IAsyncDisposable
{
    public static readonly TimeSpan TagTtl = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan StaleIfError = TimeSpan.FromHours(1);

    private CachedCollage(CollageServer server, FakeTimeProvider time, string folder)
    {
        Server = server;
        Time = time;
        Folder = folder;
    }

    public CollageServer Server { get; }

    public HttpClient Client => Server.Client;

    public FakeTimeProvider Time { get; }

    /// <summary>The cache folder.</summary>
    public string Folder { get; }

    /// <summary>The open cache: its fetches in flight and index.</summary>
    public PullThroughCache Cache => Server.Services.GetRequiredService<PullThroughCache>();

    /// <summary>The committed content files under <c>blobs/</c>.</summary>
    public string[] StoredFiles => Directory.GetFiles(Path.Combine(Folder, "blobs"), "*", SearchOption.AllDirectories);

    /// <summary>
    /// Starts Collage caching <paramref name="registry"/>; <paramref name="upstream"/> is its entry under
    /// <c>upstreams</c> (e.g. <c>new { cache = new { enabled = false } }</c>), null for none.
    /// </summary>
    public static Task<CachedCollage> StartAsync(FakeOciRegistry registry, object? upstream = null, string activityTimeout = "00:00:30", string maxSize = "64MiB") =>
        StartAsync(registry.Authority, upstream, activityTimeout, maxSize);

    /// <summary>Starts Collage caching the upstream registry at <paramref name="authority"/> (<c>127.0.0.1:port</c>).</summary>
    public static async Task<CachedCollage> StartAsync(string authority, object? upstream = null, string activityTimeout = "00:00:30", string maxSize = "64MiB")
    {
        var folder = Directory.CreateTempSubdirectory("collage-cache-").FullName;
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var config = new Dictionary<string, object>
        {
            ["mappings"] = new Dictionary<string, string>
            {
                ["a"] = $"http://{authority}/team-a",
                ["b"] = $"http://{authority}/team-b",
            },
            ["cache"] = new { path = folder, maxSize, tagTtl = TagTtl.ToString(), staleIfError = StaleIfError.ToString() },
            ["http"] = new { activityTimeout },
        };
        if (upstream is not null)
        {
            config["upstreams"] = new Dictionary<string, object> { [authority] = upstream };
        }

        var server = await CollageServer.StartAsync(config, services => services.AddSingleton<TimeProvider>(time));
        return new CachedCollage(server, time, folder);
    }

    /// <summary>GETs <paramref name="path"/> with <paramref name="accept"/>, the body read.</summary>
    public async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(string path, string? accept = null, string? range = null, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        var response = await Client.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>
    /// GETs <paramref name="path"/> and waits until every fetch has been committed: a client has its last byte once
    /// the digest matched, a moment before the content is in the index, and a test that then expects a HIT must not
    /// race that moment.
    /// </summary>
    public async Task PrimeAsync(string path, string? accept = null)
    {
        var (response, _) = await GetAsync(path, accept);
        response.Dispose();
        await UntilAsync(() => Cache.Fills.Count == 0);
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds, and fails the test when it never does.</summary>
    public static async Task UntilAsync(Func<bool> condition)
    {
        var done = await Observability.Eventually.GetAsync(() => Task.FromResult(condition()), d => d);
        done.Should().BeTrue("the condition should have come true within the deadline");
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
