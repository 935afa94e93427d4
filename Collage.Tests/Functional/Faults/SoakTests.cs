using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace Collage.Tests.Functional.Faults;

/// <summary>
/// 200 concurrent client connections of mixed manifest GET, manifest HEAD and blob GET traffic for
/// <c>COLLAGE_SOAK_SECONDS</c> (default 60, as issue 5 asks; the whole suite stays far under CI's 20 minutes)
/// against a fake upstream that never fails: every error is Collage's own, and there must be none.
/// </summary>
[Collection(ResourceCollection.Name)]
public sealed class SoakTests(ITestOutputHelper output)
{
    private const int Connections = 200;
    private static readonly byte[] Blob = FaultBlob.Bytes[..(256 * 1024)];
    private static readonly string BlobDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Blob));
    private static readonly byte[] Manifest = Encoding.UTF8.GetBytes(
        $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{BlobDigest}}","size":{{Blob.Length}}},"layers":[]}""");
    private static readonly string ManifestDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Manifest));

    [Fact]
    public async Task MixedTraffic_200ConnectionsForTheSoakDuration_ZeroErrorsFromCollage()
    {
        var duration = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("COLLAGE_SOAK_SECONDS"), CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 60);
        await using var upstream = await LoopbackServer.StartAsync(ServeAsync);
        await using var collage = await CollageServer.StartAsync(UpstreamFaultTests.Mount(upstream.Authority));
        var clientConnections = 0;
        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectCallback = async (context, ct) =>
            {
                Interlocked.Increment(ref clientConnections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        { BaseAddress = collage.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        var before = ProcessResources.Now();

        var errors = new ConcurrentQueue<string>();
        var latencies = new ConcurrentBag<double[]>();
        long bytes = 0;
        var inFlight = 0;
        var peakInFlight = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(worker => Task.Run(async () =>
        {
            var mine = new List<double>(4096);
            for (var i = worker; clock.Elapsed < duration; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref peakInFlight, now);
                try
                {
                    Interlocked.Add(ref bytes, await SendAsync(client, i % 10));
                }
                catch (Exception ex)
                {
                    errors.Enqueue($"{i % 10}: {ex.GetType().Name}: {ex.Message}");
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }

                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (errors.Count > 100)
                {
                    break;
                }
            }

            latencies.Add([.. mine]);
        })));
        var elapsed = clock.Elapsed;
        client.Dispose();
        var after = ProcessResources.Now();

        var all = latencies.SelectMany(l => l).Order().ToArray();
        output.WriteLine($"{Connections} connections, {elapsed.TotalSeconds:F1} s: {all.Length} requests ({all.Length / elapsed.TotalSeconds:F0}/s), {bytes / 1024.0 / 1024:F0} MiB, {errors.Count} errors");
        output.WriteLine($"latency ms: p50 {Percentile(all, 0.50):F1}, p99 {Percentile(all, 0.99):F1}, max {all.LastOrDefault():F1}");
        output.WriteLine($"client connections opened {clientConnections}, peak in flight {peakInFlight}; upstream connections peak {upstream.PeakConnections}, total {upstream.TotalConnections}");
        output.WriteLine($"before: {before}");
        output.WriteLine($"after:  {after}");

        errors.Should().BeEmpty();
        peakInFlight.Should().Be(Connections);
        clientConnections.Should().Be(Connections, "Collage kept every keep-alive connection open for the whole soak");
        all.Length.Should().BeGreaterThan(Connections * 10);
        collage.Logs.Lines.Should().NotContain(l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
        // About one upstream connection per client request in flight. Not exactly: Collage returns an upstream
        // connection to its pool only after the client has read the answer's last byte, so a client's next request can
        // find it still busy and open one more, which then stays pooled (clean-clone CI runs saw 201 and, once, 210
        // opened and 210 open at the peak, over about 300,000 requests). A leak grows with the requests: thousands.
        upstream.PeakConnections.Should().BeLessThanOrEqualTo(Connections + (Connections / 5), "about one upstream connection per client request in flight");
        upstream.TotalConnections.Should().BeLessThanOrEqualTo(Connections + (Connections / 5), "connections are reused, not opened per request");
    }

    private static async Task<long> SendAsync(HttpClient client, int kind)
    {
        var (method, path) = kind switch
        {
            < 6 => (HttpMethod.Get, $"/v2/apps/web/manifests/v{kind}"),
            6 => (HttpMethod.Head, "/v2/apps/web/manifests/v1"),
            _ => (HttpMethod.Get, $"/v2/apps/web/blobs/{BlobDigest}"),
        };
        using var request = new HttpRequestMessage(method, path);
        using var response = await client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var body = await response.Content.ReadAsByteArrayAsync();
        var expected = method == HttpMethod.Head ? [] : kind < 7 ? Manifest : Blob;
        var digest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.Single() : null;
        if (!body.AsSpan().SequenceEqual(expected) || digest != (kind < 7 ? ManifestDigest : BlobDigest))
        {
            throw new InvalidOperationException($"{method} {path}: wrong bytes ({body.Length}) or digest {digest}");
        }

        return body.Length;
    }

    private static async Task ServeAsync(HttpContext context)
    {
        var isBlob = context.Request.Path.Value!.Contains("/blobs/", StringComparison.Ordinal);
        var body = isBlob ? Blob : Manifest;
        context.Response.ContentType = isBlob ? "application/octet-stream" : "application/vnd.oci.image.manifest.v1+json";
        context.Response.Headers["Docker-Content-Digest"] = isBlob ? BlobDigest : ManifestDigest;
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)];

    private static void InterlockedMax(ref int target, int value)
    {
        // Bounded: each retry means another thread raised the value, which only happens so often.
        for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }
}
