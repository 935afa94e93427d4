using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>
/// Collage on real Kestrel as its own token server: an htpasswd file with alice (group platform) and bob, a recording
/// upstream holding every repository (<see cref="AccessUpstream"/>, or another handler), and a
/// <see cref="FakeTimeProvider"/> as the server's clock, so a test moves time instead of waiting for a token to expire.
/// The policy: <c>public/**</c> anonymous, <c>library/**</c> every user, <c>internal/**</c> and the catalog to platform.
/// </summary>
internal sealed class TokenGateway : IAsyncDisposable
{
    public const string Alice = "alice:wonderland";
    public const string Bob = "bob:builder";
    public static readonly string AliceLine = $"alice:{BCrypt.Net.BCrypt.HashPassword("wonderland", 4)}";
    public static readonly string BobLine = $"bob:{BCrypt.Net.BCrypt.HashPassword("builder", 4)}";

    private readonly bool _ownsUpstream;

    private TokenGateway(CollageServer collage, LoopbackServer upstream, bool ownsUpstream, FakeTimeProvider time, string htpasswd, Dictionary<string, object?> config)
    {
        Config = config;
        Collage = collage;
        Upstream = upstream;
        _ownsUpstream = ownsUpstream;
        Time = time;
        Htpasswd = htpasswd;
    }

    public CollageServer Collage { get; }

    /// <summary>The config it was started with (its <c>access</c> section a dictionary too); change it and <see cref="RewriteConfigAsync"/>.</summary>
    public Dictionary<string, object?> Config { get; }

    public HttpClient Client => Collage.Client;

    public LoopbackServer Upstream { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>The htpasswd file; edit it (then <see cref="Time"/>.Advance a second) to add or remove users.</summary>
    public string Htpasswd { get; }

    /// <summary>
    /// Starts a gateway. <paramref name="access"/> and <paramref name="root"/> change the config's <c>access</c> section
    /// and top level; <paramref name="upstream"/> is shared (not disposed) when given, else an <see cref="AccessUpstream"/>
    /// (or a server answering with <paramref name="upstreamHandler"/>); <paramref name="moreUsers"/> are htpasswd lines
    /// added to alice and bob; <paramref name="configure"/> adds to the host (e.g. the log level).
    /// </summary>
    public static async Task<TokenGateway> StartAsync(
        Action<Dictionary<string, object?>>? access = null,
        Action<Dictionary<string, object?>>? root = null,
        LoopbackServer? upstream = null,
        RequestDelegate? upstreamHandler = null,
        string? moreUsers = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var htpasswd = Path.Combine(Path.GetTempPath(), $"collage-htpasswd-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(htpasswd, $"{AliceLine}\n{BobLine}\n{moreUsers}");
        var ownsUpstream = upstream is null;
        upstream ??= upstreamHandler is null ? await AccessUpstream.StartAsync() : await LoopbackServer.StartAsync(upstreamHandler);
        var accessSection = new Dictionary<string, object?>
        {
            ["htpasswd"] = htpasswd,
            ["groups"] = new Dictionary<string, string[]> { ["platform"] = ["alice"] },
            ["anonymous"] = new[] { "public/**" },
            ["authenticated"] = new[] { "library/**" },
            ["rules"] = new object[] { new { repositories = new[] { "internal/**" }, groups = new[] { "platform" }, actions = new[] { "pull", "catalog" } } },
            ["loginAttempts"] = 1000,
        };
        access?.Invoke(accessSection);
        var config = new Dictionary<string, object?>
        {
            ["mappings"] = new Dictionary<string, string> { ["/"] = $"http://{upstream.Authority}/up" },
            ["access"] = accessSection,
        };
        root?.Invoke(config);

        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var collage = await CollageServer.StartAsync(config, builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(time);
            configure?.Invoke(builder);
        });
        return new TokenGateway(collage, upstream, ownsUpstream, time, htpasswd, config);
    }

    /// <summary>Writes <see cref="Config"/> to the config file, which Collage reloads.</summary>
    public Task RewriteConfigAsync() => File.WriteAllTextAsync(Collage.ConfigFile, System.Text.Json.JsonSerializer.Serialize(Config));

    /// <summary>Requests the upstream received for <paramref name="repository"/> (its path under <c>/v2/up/</c>).</summary>
    public int UpstreamRequestsFor(string repository) =>
        Upstream.Requests.Count(r => r.Path.StartsWith($"/v2/up/{repository}/", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await Collage.DisposeAsync();
        if (_ownsUpstream)
        {
            await Upstream.DisposeAsync();
        }

        File.Delete(Htpasswd);
    }
}
