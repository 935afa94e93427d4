using Collage.Tests.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// A stand-in CDN: a <see cref="LoopbackServer"/> serving a registry's storage root at
/// <c>/docker/registry/v2/...</c> (the paths the registry's redirect middleware points at), honouring Range,
/// and recording every request that arrives.
/// </summary>
internal sealed class CdnServer : IAsyncDisposable
{
    private const string PathPrefix = "/docker/registry/v2/";

    private LoopbackServer _server = null!;

    private CdnServer(string rootDirectory)
    {
        RootDirectory = rootDirectory;
    }

    /// <summary>The directory served (the registry's storage root).</summary>
    public string RootDirectory { get; }

    /// <summary><c>http://127.0.0.1:PORT/</c>: the base URL to give the registry's redirect middleware.</summary>
    public Uri BaseUri => _server.BaseUri;

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<CdnRequest> Requests => [.. _server.Requests.Select(CdnRequest.From)];

    /// <summary>How many requests arrived so far.</summary>
    public int RequestCount => _server.Requests.Count;

    /// <summary>Starts serving <paramref name="rootDirectory"/> (which may still be empty).</summary>
    public static async Task<CdnServer> StartAsync(string rootDirectory, CancellationToken cancellationToken = default)
    {
        var server = new CdnServer(Path.GetFullPath(rootDirectory));
        server._server = await LoopbackServer.StartAsync(
            handler: null,
            configureApp: app => app.MapMethods(PathPrefix + "{**rest}", [HttpMethods.Get, HttpMethods.Head], (string rest) => server.Serve(rest)),
            cancellationToken: cancellationToken);
        return server;
    }

    /// <summary>The requests so far for the blob with <paramref name="digest"/>.</summary>
    public IReadOnlyList<CdnRequest> RequestsForBlob(string digest) => [.. Requests.Where(r => r.IsForBlob(digest))];

    /// <summary>Stops Kestrel.</summary>
    public ValueTask DisposeAsync() => _server.DisposeAsync();

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
