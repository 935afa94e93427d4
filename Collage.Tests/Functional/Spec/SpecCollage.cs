using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.Functional.Spec;

/// <summary>
/// Collage mounting <c>apps</c> on <c>team</c> of one upstream, with a pull-through cache (in a folder of its own,
/// deleted on dispose) or without one, so a spec requirement can be asserted on both paths.
/// </summary>
internal sealed class SpecCollage : IAsyncDisposable
{
    private readonly string? _folder;

    private SpecCollage(CollageServer server, string? folder)
    {
        Server = server;
        _folder = folder;
    }

    public CollageServer Server { get; }

    public HttpClient Client => Server.Client;

    /// <summary>Starts Collage in front of the upstream at <paramref name="authority"/> (<c>127.0.0.1:port</c>).</summary>
    public static async Task<SpecCollage> StartAsync(string authority, bool cached)
    {
        var mappings = new Dictionary<string, string> { ["apps"] = $"http://{authority}/team" };
        if (!cached)
        {
            return new SpecCollage(await CollageServer.StartAsync(new { mappings }), null);
        }

        var folder = Directory.CreateTempSubdirectory("collage-cache-").FullName;
        try
        {
            return new SpecCollage(await CollageServer.StartAsync(new { mappings, cache = new { path = folder } }), folder);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Sends <paramref name="method"/> for <paramref name="path"/>; the body is read.</summary>
    public async Task<(HttpResponseMessage Response, string Body)> SendAsync(string method, string path, string? accept = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await Client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
