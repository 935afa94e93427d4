using System.Collections.Concurrent;
using Collage.Tests.Common;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Authentication;

/// <summary>
/// A token server on loopback that hands out anonymous tokens and counts its fetches, or misbehaves
/// when told to.
/// </summary>
internal sealed class FakeTokenServer : IAsyncDisposable
{
    private LoopbackServer? _server;
    private int _issued;

    /// <summary>What to answer; by default a fresh token "token-N" with expires_in 300.</summary>
    public Func<HttpContext, int, Task>? Respond { get; set; }

    /// <summary>How long to wait before answering.</summary>
    public TimeSpan Delay { get; set; }

    public int Fetches => Requests.Count;

    public IReadOnlyList<RecordedRequest> Requests => _server!.Requests;

    /// <summary>Every token handed out so far, which the fake upstream accepts.</summary>
    public ConcurrentDictionary<string, bool> Issued { get; } = new();

    public Uri BaseUri => _server!.BaseUri;

    public static async Task<FakeTokenServer> StartAsync()
    {
        var tokenServer = new FakeTokenServer();
        tokenServer._server = await LoopbackServer.StartAsync(tokenServer.HandleAsync);
        return tokenServer;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var n = Interlocked.Increment(ref _issued);

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted);
        }

        if (Respond is not null)
        {
            await Respond(context, n);
            return;
        }

        var token = $"token-{n}";
        Issued[token] = true;
        await context.Response.WriteAsJsonAsync(new { token, expires_in = 300, issued_at = DateTimeOffset.UtcNow });
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;
}
