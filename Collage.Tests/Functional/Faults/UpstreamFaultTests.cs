using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Collage.Transforms.Upstreams;

namespace Collage.Tests.Functional.Faults;

/// <summary>
/// Upstreams that fail: mid-blob, silent, unreachable, unresolvable, or not speaking HTTP. Whatever breaks, a
/// client either gets an OCI 502/504 that names nothing internal, or, once bytes have flowed, an aborted
/// transfer: never a response that ends cleanly short (OCI distribution spec, "Pulling blobs": the client
/// verifies the digest, and an aborted transfer is the only signal that survives Content-Length-less framing).
/// </summary>
public sealed class UpstreamFaultTests
{
    private static readonly string BlobPath = $"/v2/apps/web/blobs/{FaultBlob.Digest}";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Get_UpstreamDiesMidBlob_ClientTransferIsAborted(bool withContentLength)
    {
        var clientHasHeaders = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/octet-stream";
            if (withContentLength)
            {
                context.Response.ContentLength = FaultBlob.Bytes.Length;
            }

            await context.Response.Body.WriteAsync(FaultBlob.Bytes.AsMemory(0, 300_000));
            await context.Response.Body.FlushAsync();

            // Dies only once the headers are through to the client, so that what is cut is the body.
            await clientHasHeaders.Task.WaitAsync(TimeSpan.FromSeconds(20));
            context.Abort();
        });
        await using var collage = await CollageServer.StartAsync(Mount(upstream.Authority));

        using var response = await collage.Client.GetAsync(BlobPath, HttpCompletionOption.ResponseHeadersRead);
        clientHasHeaders.SetResult();
        var (received, failure) = await FaultBlob.DrainAsync(response, TimeSpan.FromSeconds(20));

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the headers had gone out before the upstream died");
        failure.Should().NotBeNull("a transfer cut upstream must end in an abort, not a clean end");
        received.Should().BeLessThan(FaultBlob.Bytes.Length);
        (withContentLength ? response.Content.Headers.ContentLength : null).Should().Be(withContentLength ? FaultBlob.Bytes.Length : null);
    }

    [Fact]
    public async Task Get_UpstreamStallsMidBlob_ActivityTimeoutAbortsTransferAndCancelsUpstream()
    {
        var upstreamAborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentLength = FaultBlob.Bytes.Length;
            await context.Response.Body.WriteAsync(FaultBlob.Bytes.AsMemory(0, 100_000));
            await context.Response.Body.FlushAsync();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                upstreamAborted.TrySetResult();
            }
        });
        await using var collage = await CollageServer.StartAsync(Mount(upstream.Authority, activityTimeout: "00:00:01"));

        var clock = Stopwatch.StartNew();
        using var response = await collage.Client.GetAsync(BlobPath, HttpCompletionOption.ResponseHeadersRead);
        var (received, failure) = await FaultBlob.DrainAsync(response, TimeSpan.FromSeconds(20));

        failure.Should().NotBeNull();
        received.Should().BeLessThan(FaultBlob.Bytes.Length);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "the activity timeout is 1 s, not the upstream's 30 s");
        await upstreamAborted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        collage.Logs.All.Should().Contain("failed mid-blob (silent past the activity timeout)", "a silent upstream is the upstream's failure, logged as a warning");
    }

    [Theory]
    [InlineData(502, HttpStatusCode.BadGateway)]
    [InlineData(504, HttpStatusCode.GatewayTimeout)]
    [InlineData(507, HttpStatusCode.BadGateway)]
    public async Task Get_Upstream5xxWithHugeBody_AnswersOwnOciErrorReadingABoundedPrefix(int upstreamStatus, HttpStatusCode status)
    {
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.StatusCode = upstreamStatus;
            var line = Encoding.ASCII.GetBytes($"panic at http://10.1.2.3:5000/internal goroutine 1 [running]\n");
            // 6 MB of error body: Collage must read a bounded prefix, not all of it, and echo none of it.
            for (var i = 0; i < 100_000 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(line);
            }
        });
        await using var collage = await CollageServer.StartAsync(Mount(upstream.Authority));

        using var response = await collage.Client.GetAsync("/v2/apps/web/manifests/v1");

        response.StatusCode.Should().Be(status);
        (await ErrorAnswerTests.ErrorCodeAsync(response)).Should().Be("UNAVAILABLE");
        var body = await response.Content.ReadAsStringAsync();
        body.Length.Should().BeLessThan(512);
        body.Should().NotContain("10.1.2.3").And.NotContain("goroutine").And.NotContain(upstream.Authority);
    }

    public static TheoryData<string, string> BrokenServers => new()
    {
        { "hang-up", string.Empty },
        { "not-http", "SSH-2.0-OpenSSH_9.2\r\n" },
        { "bad-status-line", "HTTP/1.1 OK-ish\r\n\r\n" },
        { "bad-length", "HTTP/1.1 200 OK\r\nContent-Length: banana\r\nContent-Type: application/json\r\n\r\n{}" },
        { "two-lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 9\r\nContent-Type: application/json\r\n\r\n{}" },
        { "short-body", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: application/json\r\n\r\n{\"schemaVersion\":2" },
    };

    [Theory]
    [MemberData(nameof(BrokenServers))]
    public async Task Get_UpstreamSpeaksBrokenHttp_Answers502OrAborts(string name, string answer)
    {
        await using var upstream = RawTcpUpstream.Start(async (stream, ct) =>
        {
            var buffer = new byte[4096];
            _ = await stream.ReadAsync(buffer, ct);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), ct);
            await stream.FlushAsync(ct);
        });
        await using var collage = await CollageServer.StartAsync(Mount(upstream.Authority));

        if (name == "short-body")
        {
            // The upstream's headers were good, but its body is cut: the client's exchange must fail, either
            // before the headers (YARP aborts when the first body read fails) or while reading the body.
            var failed = false;
            try
            {
                using var cut = await collage.Client.GetAsync("/v2/apps/web/manifests/v1", HttpCompletionOption.ResponseHeadersRead);
                failed = (await FaultBlob.DrainAsync(cut, TimeSpan.FromSeconds(20))).Failure is not null;
            }
            catch (HttpRequestException)
            {
                failed = true;
            }

            failed.Should().BeTrue("a cut body must never reach the client as a complete answer");
            return;
        }

        using var response = await collage.Client.GetAsync("/v2/apps/web/manifests/v1");
        response.StatusCode.Should().Be(HttpStatusCode.BadGateway, name);
        (await ErrorAnswerTests.ErrorCodeAsync(response)).Should().Be("UNAVAILABLE");
        (await response.Content.ReadAsStringAsync()).Should().NotContain(upstream.Authority).And.NotContain("OpenSSH").And.NotContain("Exception");
        // YARP sends once; SocketsHttpHandler alone retries a GET whose new connection closed before any
        // response byte, at most 3 times (HttpConnectionPool's MaxConnectionFailureRetries): bounded, no storm.
        upstream.Accepted.Should().BeInRange(1, 4);
    }

    [Fact]
    public async Task Get_UpstreamNameDoesNotResolve_Answers502WithoutTheName()
    {
        // The EgressRecorder fails every name that is not a loopback address as DNS does, without asking DNS.
        var egress = new EgressRecorder();
        await using var collage = await CollageServer.StartAsync(
            new { mappings = new Dictionary<string, string> { ["apps"] = "http://registry.collage-test.invalid:5000/team" } },
            services => services.AddSingleton<IUpstreamWireTap>(egress));

        using var response = await collage.Client.GetAsync("/v2/apps/web/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await ErrorAnswerTests.ErrorCodeAsync(response)).Should().Be("UNAVAILABLE");
        (await response.Content.ReadAsStringAsync()).Should().NotContain("collage-test").And.NotContain("5000");
        egress.Connects.Should().Equal("registry.collage-test.invalid:5000");
        collage.Logs.All.Should().Contain("registry.collage-test.invalid", "the operator learns which upstream failed");
    }

    [Fact]
    public async Task Get_UpstreamConnectBlackHoled_AnswersWithinConnectTimeout()
    {
        var egress = new EgressRecorder
        {
            // A SYN that is never answered: the connect hangs until Collage's ConnectTimeout gives up.
            Fault = (_, ct) => new ValueTask<Stream>(Task.Delay(Timeout.Infinite, ct).ContinueWith<Stream>(_ => throw new OperationCanceledException(ct), TaskScheduler.Default)),
        };
        await using var collage = await CollageServer.StartAsync(
            new
            {
                mappings = new Dictionary<string, string> { ["apps"] = "http://127.0.0.1:9/team" },
                http = new { connectTimeout = "00:00:01" },
            },
            services => services.AddSingleton<IUpstreamWireTap>(egress));

        var clock = Stopwatch.StartNew();
        using var response = await collage.Client.GetAsync("/v2/apps/web/manifests/v1");

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(8));
        ((int)response.StatusCode).Should().BeOneOf(502, 504);
        (await ErrorAnswerTests.ErrorCodeAsync(response)).Should().Be("UNAVAILABLE");
        (await response.Content.ReadAsStringAsync()).Should().NotContain("127.0.0.1").And.NotContain("timed out after");
    }

    internal static object Mount(string authority, string? activityTimeout = null) => activityTimeout is null
        ? new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{authority}/team" } }
        : new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{authority}/team" }, http = new { activityTimeout } };
}
