using Collage.Tests.Common;

namespace Collage.Tests.EndToEnd.Groups;

/// <summary>
/// An in-process Kestrel member that accepts every connection and request and never answers (it waits until the
/// client goes away), counting what arrives: a registry that hangs.
/// </summary>
internal sealed class HangingMember : IAsyncDisposable
{
    private readonly LoopbackServer _server;

    private HangingMember(LoopbackServer server) => _server = server;

    /// <summary><c>127.0.0.1:PORT</c>.</summary>
    public string Authority => _server.Authority;

    /// <summary>Every request that reached it, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    public static async Task<HangingMember> StartAsync()
    {
        var server = await LoopbackServer.StartAsync(async context =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up: that is the only way a request here ends.
            }
        });
        return new HangingMember(server);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
