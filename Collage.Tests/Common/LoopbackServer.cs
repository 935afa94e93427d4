using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collage.Tests.Common;

/// <summary>
/// An in-process server on real Kestrel at 127.0.0.1 and a port the system picks, answering from a delegate
/// (and/or whatever <c>configureApp</c> maps), recording every request that arrives. HTTPS when given a
/// certificate. Stands in for upstream registries, token servers, CDNs and small proxies.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests;
    private readonly ConnectionCounter _connections;

    private LoopbackServer(WebApplication app, ConcurrentQueue<RecordedRequest> requests, ConnectionCounter connections, Uri baseUri)
    {
        _app = app;
        _requests = requests;
        _connections = connections;
        BaseUri = baseUri;
    }

    /// <summary>TCP connections open right now.</summary>
    public int OpenConnections => _connections.Open;

    /// <summary>TCP connections accepted so far.</summary>
    public int TotalConnections => _connections.Total;

    /// <summary>The most TCP connections that were open at once.</summary>
    public int PeakConnections => _connections.Peak;

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary><c>127.0.0.1:port</c>, as a mapping names it.</summary>
    public string Authority => BaseUri.Authority;

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>An absolute URL on this server.</summary>
    public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

    /// <summary>Starts a server answering every request with <paramref name="handler"/>.</summary>
    /// <param name="handler">The terminal handler; null when <paramref name="configureApp"/> maps the endpoints.</param>
    /// <param name="certificate">A server certificate to serve HTTPS with; plain HTTP when null.</param>
    /// <param name="configureServices">Extra services (e.g. YARP's forwarder).</param>
    /// <param name="configureApp">Extra middleware or endpoints, after the recording and before <paramref name="handler"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<LoopbackServer> StartAsync(
        RequestDelegate? handler,
        X509Certificate2? certificate = null,
        Action<IServiceCollection>? configureServices = null,
        Action<WebApplication>? configureApp = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        var connections = new ConnectionCounter();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Use(connections.Middleware);
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        var requests = new ConcurrentQueue<RecordedRequest>();
        app.Use((context, next) =>
        {
            requests.Enqueue(RecordedRequest.From(context.Request));
            return next(context);
        });
        configureApp?.Invoke(app);
        if (handler is not null)
        {
            app.Run(handler);
        }

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new LoopbackServer(app, requests, connections, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Stops Kestrel, waiting at most five seconds for requests still running.</summary>
    public async ValueTask DisposeAsync()
    {
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopTimeout.Token);
        await _app.DisposeAsync();
    }
}
