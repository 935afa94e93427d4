using Microsoft.AspNetCore.Http.Features;
using System.Text.Json;
using Collage.Proxy.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collage.Tests.Functional.Infrastructure;

/// <summary>
/// The real gateway, built by <see cref="CollageApp"/> from a config file in the original format, on real
/// Kestrel at 127.0.0.1 and a free port.
/// </summary>
internal sealed class CollageServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;

    private CollageServer(WebApplication app, string directory, Uri baseUri, LogCollector logs)
    {
        _app = app;
        _directory = directory;
        BaseUri = baseUri;
        Logs = logs;
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseUri };
    }

    public Uri BaseUri { get; }

    /// <summary>A client without redirects or cookies, as registry clients behave.</summary>
    public HttpClient Client { get; }

    /// <summary>Every log line the gateway wrote.</summary>
    public LogCollector Logs { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The config file the gateway was started with; edit it to test reloads.</summary>
    public string ConfigFile => Path.Combine(_directory, "config.json");

    /// <summary>Starts Collage with <paramref name="config"/> serialised as its config file.</summary>
    public static Task<CollageServer> StartAsync(object config, string bind = "127.0.0.1", int port = 0, params string[] extraArgs) =>
        StartAsync(config, [], bind, port, extraArgs);

    /// <summary>
    /// Starts Collage listening on <paramref name="bind"/> and on every address of <paramref name="alsoListenOn"/>
    /// (e.g. 127.0.0.2, to test vhosts by address), all on the same port.
    /// </summary>
    public static Task<CollageServer> StartAsync(object config, System.Net.IPAddress[] alsoListenOn, string bind = "127.0.0.1", int port = 0, params string[] extraArgs) =>
        StartAsync(config, alsoListenOn, bind, port, configure: null, extraArgs);

    /// <summary>Starts Collage with <paramref name="config"/>, letting <paramref name="configure"/> add to the host (e.g. a trace exporter).</summary>
    public static Task<CollageServer> StartAsync(object config, Action<WebApplicationBuilder> configure) =>
        StartAsync(config, [], "127.0.0.1", 0, configure, []);

    /// <summary>
    /// Starts Collage with extra services registered before its own, e.g. an <see cref="EgressRecorder"/>
    /// as the wire tap on every upstream's sockets.
    /// </summary>
    public static Task<CollageServer> StartAsync(object config, Action<IServiceCollection> configureServices, params string[] extraArgs) =>
        StartAsync(config, [], "127.0.0.1", 0, builder => configureServices(builder.Services), extraArgs);

    private static async Task<CollageServer> StartAsync(object config, System.Net.IPAddress[] alsoListenOn, string bind, int port, Action<WebApplicationBuilder>? configure, string[] extraArgs)
    {
        if (alsoListenOn.Length > 0 && port == 0)
        {
            port = Collage.Tests.EndToEnd.Infrastructure.FreePort.Next();
        }

        var directory = Directory.CreateTempSubdirectory("collage-test-").FullName;
        var file = Path.Combine(directory, "config.json");
        await File.WriteAllTextAsync(file, config as string ?? JsonSerializer.Serialize(config));
        var logs = new LogCollector();
        var app = CollageApp.Build(
            ["--config-file", file, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", bind, .. extraArgs],
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Information);
                builder.WebHost.ConfigureKestrel(kestrel =>
                {
                    foreach (var address in alsoListenOn)
                    {
                        kestrel.Listen(address, port);
                    }
                });
                configure?.Invoke(builder);
            });
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        var address = addresses.First(a => a.Contains($"//{bind}:", StringComparison.Ordinal));
        return new CollageServer(app, directory, new Uri(address + "/"), logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
