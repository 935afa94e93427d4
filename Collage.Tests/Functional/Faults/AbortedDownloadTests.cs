using System.Net;
using Collage.Tests.Functional.Infrastructure;
using Xunit.Abstractions;

namespace Collage.Tests.Functional.Faults;

/// <summary>
/// 1,000 downloads that the client abandons mid-blob: every upstream request is cancelled, and connections,
/// file descriptors and managed memory return to where they were.
/// </summary>
[Collection(ResourceCollection.Name)]
public sealed class AbortedDownloadTests(ITestOutputHelper output)
{
    private const int Downloads = 1000;
    private const int Workers = 8;
    private const int WarmUp = 64;

    [Fact]
    public async Task Get_1000DownloadsAbortedMidBlob_LeaveNoConnectionsHandlesOrMemoryBehind()
    {
        await using var upstream = await EndlessBlobUpstream.StartAsync();
        await using var collage = await CollageServer.StartAsync(UpstreamFaultTests.Mount(upstream.Server.Authority));

        // Warm-up: JIT, Kestrel's and YARP's pools, the client's pool reach their working size first.
        await AbortDownloadsAsync(collage, WarmUp);
        await ClientDisconnectTests.Eventually(() => upstream.Aborted == WarmUp && upstream.Server.OpenConnections == 0, "warm-up settled", seconds: 20, () => $"started {upstream.Started}, aborted {upstream.Aborted}, completed {upstream.Completed}, open {upstream.Server.OpenConnections}");
        var before = ProcessResources.Now();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await AbortDownloadsAsync(collage, Downloads);
        var elapsed = clock.Elapsed;
        await ClientDisconnectTests.Eventually(() => upstream.Aborted == WarmUp + Downloads, "every upstream request saw RequestAborted", seconds: 30);
        await ClientDisconnectTests.Eventually(() => upstream.Server.OpenConnections == 0, "every upstream connection was closed", seconds: 30);
        var after = ProcessResources.Now();

        output.WriteLine($"{Downloads} aborted downloads in {elapsed.TotalSeconds:F1} s with {Workers} workers");
        output.WriteLine($"before: {before}; upstream connections open 0");
        output.WriteLine($"after:  {after}; upstream connections open {upstream.Server.OpenConnections}, peak {upstream.Server.PeakConnections}, total {upstream.Server.TotalConnections}");
        output.WriteLine($"growth: fds {after.FileDescriptors - before.FileDescriptors}, managed {(after.ManagedBytes - before.ManagedBytes) / 1024.0:F0} KiB");

        upstream.Started.Should().Be(WarmUp + Downloads);
        upstream.Completed.Should().Be(0, "no upstream transfer may run on after its client left");
        // An aborted upstream connection closes asynchronously, so it may overlap a few of its worker's next
        // requests; connections that were never released would instead climb towards 1,064.
        upstream.Server.PeakConnections.Should().BeLessThanOrEqualTo(Workers * 4, "connections are released as fast as clients abort");

        // Each worker may hold one pooled client connection to Collage and Collage one to the upstream side;
        // everything else must be back where it was. A leaked socket per download would show as +1000.
        (after.FileDescriptors - before.FileDescriptors).Should().BeLessThanOrEqualTo(2 * Workers);

        // A leaked request (HttpContext, YARP's 64 KiB copy buffer, the upstream response) costs at least
        // 64 KiB, 1000 of them over 60 MiB. The bound of 16 MiB holds what legitimately stays: the fake
        // upstream's record of every request (about 2 KiB each, 2 MiB here) and pools that grew past the
        // warm-up, which vary with how many thread-pool threads the run injected (each keeps pooled buffers of
        // its own): measured 1.5, 5.4 and 9.0 MiB in three runs here, the last a clean-clone CI run. It still
        // fails at a leak of 16 KiB per download.
        (after.ManagedBytes - before.ManagedBytes).Should().BeLessThan(16L * 1024 * 1024);
        collage.Logs.Lines.Should().NotContain(l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal));
    }

    private static async Task AbortDownloadsAsync(CollageServer collage, int count)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(async _ =>
        {
            var buffer = new byte[128 * 1024];
            while (Interlocked.Increment(ref next) < count)
            {
                using var response = await collage.Client.GetAsync($"/v2/apps/web/blobs/{FaultBlob.Digest}", HttpCompletionOption.ResponseHeadersRead);
                response.StatusCode.Should().Be(HttpStatusCode.OK);
                await using var body = await response.Content.ReadAsStreamAsync();
                await body.ReadAtLeastAsync(buffer, buffer.Length);

                // Disposing the response with its body unread hangs up, as a client that is killed mid-pull.
            }
        }));
    }
}
