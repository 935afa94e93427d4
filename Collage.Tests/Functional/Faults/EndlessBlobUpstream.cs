using Collage.Tests.Common;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Faults;

/// <summary>
/// A fake upstream that streams a large blob (64 MiB) in 64 KiB writes, counting requests started and requests
/// whose <see cref="HttpContext.RequestAborted"/> fired: a client that hangs up must make Collage cancel its
/// upstream request. Kestrel turns writes to a connection the peer closed into no-ops and signals
/// RequestAborted a moment later, so each request waits up to 10 s for it after its writes. The last byte is
/// held back until then: once a response has written all of its Content-Length, Kestrel never fires
/// RequestAborted for it (HttpProtocol's last-write check), so no-op writes that raced ahead of the abort
/// would otherwise count as a transfer completed for nobody (seen about once in 3,000 requests under load).
/// </summary>
internal sealed class EndlessBlobUpstream : IAsyncDisposable
{
    private const long Length = 64L << 20;
    private readonly LoopbackServer _server;
    private int _started;
    private int _aborted;
    private int _completed;

    private EndlessBlobUpstream(LoopbackServer server) => _server = server;

    public LoopbackServer Server => _server;

    public int Started => Volatile.Read(ref _started);

    public int Aborted => Volatile.Read(ref _aborted);

    public int Completed => Volatile.Read(ref _completed);

    public static async Task<EndlessBlobUpstream> StartAsync()
    {
        EndlessBlobUpstream? upstream = null;
        var server = await LoopbackServer.StartAsync(context => upstream!.ServeAsync(context));
        upstream = new EndlessBlobUpstream(server);
        return upstream;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task ServeAsync(HttpContext context)
    {
        Interlocked.Increment(ref _started);
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = Length;
        var chunk = FaultBlob.Bytes.AsMemory(0, 64 * 1024);
        try
        {
            for (long sent = 0; sent < Length - 1; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk[..(int)Math.Min(chunk.Length, Length - 1 - sent)], context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }

        try
        {
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
            Interlocked.Increment(ref _completed);
            await context.Response.Body.WriteAsync(chunk[^1..]);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _aborted);
        }
    }
}
