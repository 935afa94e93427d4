using System.Collections.Concurrent;
using Collage.Tests.Common;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.EndToEnd.Caching;

/// <summary>
/// An in-process Kestrel relay in front of a real registry that passes every request through, except the first GET of
/// one blob: it sends that blob's headers and first <see cref="HeldAfterBytes"/> bytes, then holds the rest until
/// <see cref="Release"/>, so a fetch stays in flight for as long as a test needs (a gate, not a speed). It counts the
/// requests it relayed per path, being the upstream Collage talks to.
/// </summary>
internal sealed class GatedRelay : IAsyncDisposable
{
    /// <summary>How many bytes of the held blob go out before the gate.</summary>
    public const int HeldAfterBytes = 1024 * 1024;

    private static readonly string[] HopByHop = ["Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection"];

    private readonly HttpClient _registry;
    private readonly string _heldBlobPath;
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, int> _gets = new(StringComparer.Ordinal);
    private LoopbackServer _server = null!;
    private int _holding;

    private GatedRelay(Uri registry, string heldBlobPath)
    {
        _registry = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = registry, Timeout = Timeout.InfiniteTimeSpan };
        _heldBlobPath = heldBlobPath;
    }

    /// <summary><c>127.0.0.1:PORT</c>.</summary>
    public string Authority => _server.Authority;

    /// <summary>Completes once the held blob's first bytes went out and the relay waits at the gate.</summary>
    public Task Held => _held.Task;

    /// <summary>Starts a relay to <paramref name="registry"/> that holds the first GET of <paramref name="heldBlobPath"/>.</summary>
    public static async Task<GatedRelay> StartAsync(Uri registry, string heldBlobPath)
    {
        var relay = new GatedRelay(registry, heldBlobPath);
        relay._server = await LoopbackServer.StartAsync(relay.RelayAsync);
        return relay;
    }

    /// <summary>How many GETs of <paramref name="path"/> arrived.</summary>
    public int GetsOf(string path) => _gets.GetValueOrDefault(path);

    /// <summary>Opens the gate: the held transfer (if its client is still there) and every later one run freely.</summary>
    public void Release() => _gate.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        await _server.DisposeAsync();
        _registry.Dispose();
    }

    private async Task RelayAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            _gets.AddOrUpdate(path, 1, (_, n) => n + 1);
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), path + context.Request.QueryString);
        foreach (var header in context.Request.Headers.Where(h => h.Key is "Accept" or "Range" or "Authorization"))
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
        }

        using var response = await _registry.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers).Where(h => !HopByHop.Contains(h.Key, StringComparer.OrdinalIgnoreCase)))
        {
            context.Response.Headers[header.Key] = header.Value.ToArray();
        }

        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        var hold = HttpMethods.IsGet(context.Request.Method) && path == _heldBlobPath && Interlocked.Exchange(ref _holding, 1) == 0;
        if (hold)
        {
            var first = new byte[HeldAfterBytes];
            await body.ReadExactlyAsync(first, context.RequestAborted);
            await context.Response.Body.WriteAsync(first, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            _held.TrySetResult();
            await _gate.Task.WaitAsync(context.RequestAborted);
        }

        await body.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
