using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// A stand-in CDN: in-process Kestrel on 127.0.0.1:0 serving a registry's storage root at
/// <c>/docker/registry/v2/...</c> (the paths the registry's redirect middleware points at), honouring Range,
/// and recording every request that arrives.
/// </summary>
internal sealed class CdnServer : IAsyncDisposable
{
    private const string PathPrefix = "/docker/registry/v2/";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<CdnRequest> _requests = new();

    private CdnServer(WebApplication app, string rootDirectory)
    {
        _app = app;
        RootDirectory = rootDirectory;
    }

    /// <summary>The directory served (the registry's storage root).</summary>
    public string RootDirectory { get; }

    /// <summary><c>http://127.0.0.1:PORT/</c>: the base URL to give the registry's redirect middleware.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<CdnRequest> Requests => [.. _requests];

    /// <summary>How many requests arrived so far.</summary>
    public int RequestCount => _requests.Count;

    /// <summary>Starts serving <paramref name="rootDirectory"/> (which may still be empty).</summary>
    public static async Task<CdnServer> StartAsync(string rootDirectory, CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(rootDirectory);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = root });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new CdnServer(app, root);

        app.Use((context, next) =>
        {
            var headers = context.Request.Headers;
            server._requests.Enqueue(new CdnRequest(
                context.Request.Method,
                context.Request.Path.Value ?? string.Empty,
                headers.Range.Count > 0 ? headers.Range.ToString() : null,
                headers.Authorization.Count > 0,
                headers.Cookie.Count > 0,
                headers.Host.ToString()));
            return next(context);
        });
        app.MapMethods(PathPrefix + "{**rest}", [HttpMethods.Get, HttpMethods.Head], (string rest) => server.Serve(rest));

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>The requests so far for the blob with <paramref name="digest"/>.</summary>
    public IReadOnlyList<CdnRequest> RequestsForBlob(string digest) => [.. _requests.Where(r => r.IsForBlob(digest))];

    /// <summary>Stops Kestrel.</summary>
    public async ValueTask DisposeAsync()
    {
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopTimeout.Token);
        await _app.DisposeAsync();
    }

    private IResult Serve(string rest)
    {
        var fullPath = Path.GetFullPath(Path.Combine(RootDirectory, "docker", "registry", "v2", rest));
        if (!fullPath.StartsWith(RootDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(fullPath))
        {
            return Results.NotFound();
        }

        return Results.File(fullPath, "application/octet-stream", enableRangeProcessing: true);
    }
}
