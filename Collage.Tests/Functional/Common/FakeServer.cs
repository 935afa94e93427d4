using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collage.Tests.Functional.Common;

/// <summary>
/// A real Kestrel server on 127.0.0.1 and a free port, answering from a delegate and recording
/// every request's headers. HTTPS when given a certificate.
/// </summary>
internal sealed class FakeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received;

    private FakeServer(WebApplication app, ConcurrentQueue<ReceivedRequest> received, Uri baseUri)
    {
        _app = app;
        _received = received;
        BaseUri = baseUri;
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; }

    public IReadOnlyList<ReceivedRequest> Received => _received.ToArray();

    public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

    public static Task<FakeServer> StartAsync(RequestDelegate handler)
        => StartAsync(handler, certificate: null, configureServices: null, configureApp: null);

    public static async Task<FakeServer> StartAsync(
        RequestDelegate? handler,
        X509Certificate2? certificate,
        Action<IServiceCollection>? configureServices,
        Action<WebApplication>? configureApp)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        var received = new ConcurrentQueue<ReceivedRequest>();
        app.Use((context, next) =>
        {
            received.Enqueue(new ReceivedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            return next(context);
        });
        configureApp?.Invoke(app);
        if (handler is not null)
        {
            app.Run(handler);
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new FakeServer(app, received, new Uri(address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
