using System.Net;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.Functional.Faults;

/// <summary>A client that hangs up mid-blob: Collage must cancel the upstream request and release its connection.</summary>
public sealed class ClientDisconnectTests
{
    [Fact]
    public async Task Get_ClientHangsUpMidBlob_UpstreamRequestIsAbortedAndItsConnectionClosed()
    {
        await using var upstream = await EndlessBlobUpstream.StartAsync();
        await using var collage = await CollageServer.StartAsync(UpstreamFaultTests.Mount(upstream.Server.Authority));

        using (var response = await collage.Client.GetAsync($"/v2/apps/web/blobs/{FaultBlob.Digest}", HttpCompletionOption.ResponseHeadersRead))
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[256 * 1024];
            await body.ReadAtLeastAsync(buffer, buffer.Length);
        }

        // Disposing a response whose body is unread closes the client's connection; Collage notices and cancels.
        await Eventually(() => upstream.Aborted == 1, "the upstream saw RequestAborted");
        await Eventually(() => upstream.Server.OpenConnections == 0, "Collage closed its upstream connection");
        upstream.Completed.Should().Be(0);
        upstream.Started.Should().Be(1);
        collage.Logs.Lines.Should().NotContain(l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal),
            "a client hanging up is not an upstream failure worth a warning");
    }

    // The condition is asked once per round and its last answer judged: some conditions act (open a connection), so a
    // second asking after a true one could see the first asking's own traces.
    internal static async Task Eventually(Func<bool> condition, string what, int seconds = 10, Func<string>? state = null)
    {
        var met = condition();
        for (var i = 0; i < seconds * 20 && !met; i++)
        {
            await Task.Delay(50);
            met = condition();
        }

        met.Should().BeTrue($"{what} ({state?.Invoke()})");
    }
}
