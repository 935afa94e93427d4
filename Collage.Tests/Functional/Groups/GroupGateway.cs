using Collage.Tests.Functional.Infrastructure;
using Collage.Transforms.Caching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Functional.Groups;

/// <summary>
/// Collage mounting <c>lib</c> on an upstream group of the given members, in order, with a short
/// <c>http.responseHeaderTimeout</c> (3 s: short, and still longer than a cold token dance on a loaded CI machine) so a hanging member costs that, on a fake clock for the circuit
/// breakers' <c>breakDuration</c> (30 s, passed with <see cref="Advance"/>, never waited for), optionally with a
/// pull-through cache in a folder of its own.
/// </summary>
internal sealed class GroupGateway : IAsyncDisposable
{
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);

    private readonly string? _cacheFolder;

    private GroupGateway(CollageServer server, FakeTimeProvider time, string? cacheFolder)
    {
        Server = server;
        Time = time;
        _cacheFolder = cacheFolder;
    }

    public CollageServer Server { get; }

    public HttpClient Client => Server.Client;

    /// <summary>The clock of the breakers, the token cache and the pull-through cache.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>The open cache, when started with one.</summary>
    public PullThroughCache Cache => Server.Services.GetRequiredService<PullThroughCache>();

    /// <summary>Every log line so far.</summary>
    public string Logs => Server.Logs.All;

    /// <summary>
    /// Starts Collage with <c>lib</c> on <paramref name="members"/> (their <see cref="MemberRegistry.Source"/>, or any
    /// upstream string). <paramref name="tags"/> gives the object form with that tag policy; null the list form.
    /// <paramref name="realClockBreakDuration"/> runs Collage on the system clock with that break duration instead.
    /// </summary>
    public static async Task<GroupGateway> StartAsync(
        IEnumerable<string> members,
        string? tags = null,
        bool cache = false,
        string responseHeaderTimeout = "00:00:03",
        string activityTimeout = "00:00:20",
        Action<IServiceCollection>? services = null,
        Dictionary<string, object>? extra = null,
        string? realClockBreakDuration = null)
    {
        var list = members.ToArray();
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var config = new Dictionary<string, object>
        {
            ["mappings"] = new Dictionary<string, object> { ["lib"] = tags is null ? list : new { upstreams = list, tags } },
            ["http"] = new { responseHeaderTimeout, activityTimeout, breakDuration = realClockBreakDuration ?? BreakDuration.ToString() },
        };
        string? folder = null;
        if (cache)
        {
            folder = Directory.CreateTempSubdirectory("collage-group-cache-").FullName;
            config["cache"] = new { path = folder, maxSize = "64MiB", tagTtl = "00:05:00", staleIfError = "01:00:00" };
        }

        foreach (var (key, value) in extra ?? [])
        {
            config[key] = value;
        }

        var server = await CollageServer.StartAsync(config, s =>
        {
            if (realClockBreakDuration is null)
            {
                s.AddSingleton<TimeProvider>(time);
            }

            services?.Invoke(s);
        });
        return new GroupGateway(server, time, folder);
    }

    public static Task<GroupGateway> StartAsync(params MemberRegistry[] members) => StartAsync(members.Select(m => m.Source));

    /// <summary>Moves the fake clock on by <paramref name="by"/>.</summary>
    public void Advance(TimeSpan by) => Time.Advance(by);

    /// <summary>Moves the fake clock past the break duration, so an open breaker lets one probe through.</summary>
    public void PassBreakDuration() => Time.Advance(BreakDuration + TimeSpan.FromSeconds(1));

    /// <summary>GETs <paramref name="path"/> (or sends <paramref name="method"/>) and reads the whole body.</summary>
    public async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(string path, HttpMethod? method = null, string? accept = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await Client.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>Waits (bounded) until no cache fill is in flight, so a following request meets committed content.</summary>
    public Task UntilFilledAsync() => Caching.CachedCollage.UntilAsync(() => Cache.Fills.Count == 0);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (_cacheFolder is not null)
        {
            Directory.Delete(_cacheFolder, recursive: true);
        }
    }
}
