using System.Net;
using System.Net.Sockets;
using Collage.Tests.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Forwarder;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// A Kestrel proxy on 127.0.0.1 in front of the fixture's s3rver, for a replica's <c>cache.s3.endpoint</c>: it
/// forwards every request through YARP's forwarder, the Host header kept (SigV4 and presigned URLs sign it), and
/// while <see cref="Fault"/> is set it answers GETs of objects itself, with the body cut or corrupted.
/// </summary>
internal sealed class S3FaultProxy : IAsyncDisposable
{
    private readonly Uri _s3;
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    });

    private LoopbackServer _server = null!;
    private int _faulted;

    private S3FaultProxy(Uri s3) => _s3 = s3;

    /// <summary>The fault object GETs meet now.</summary>
    public S3BodyFault Fault { get; set; }

    /// <summary>The endpoint to configure, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Endpoint => _server.BaseUri;

    /// <summary>Object GETs that reached the proxy, faulted or not.</summary>
    public int ObjectGets => _server.Requests.Count(r => r.Method == "GET" && r.Path.Contains("/blobs/sha256/", StringComparison.Ordinal));

    /// <summary>Object GETs answered with a cut or corrupted body.</summary>
    public int Faulted => Volatile.Read(ref _faulted);

    /// <summary>Starts a proxy to <paramref name="s3"/>.</summary>
    public static async Task<S3FaultProxy> StartAsync(Uri s3)
    {
        var proxy = new S3FaultProxy(s3);
        proxy._server = await LoopbackServer.StartAsync(
            handler: null,
            configureServices: services => services.AddHttpForwarder(),
            configureApp: app =>
            {
                app.Use((context, next) => proxy.Fault != S3BodyFault.None && IsObjectGet(context.Request) ? proxy.FaultAsync(context, proxy.Fault) : next(context));
                app.MapForwarder("/{**catch-all}", s3.ToString(), ForwarderRequestConfig.Empty, new HostKeepingTransformer(), proxy._invoker);
            });
        return proxy;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _invoker.Dispose();
    }

    private static bool IsObjectGet(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.Value?.Contains("/blobs/sha256/", StringComparison.Ordinal) == true;

    private async Task FaultAsync(HttpContext context, S3BodyFault fault)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_s3, context.Request.Path + context.Request.QueryString));
        request.Headers.Host = context.Request.Host.Value;
        if (context.Request.Headers.Range.Count > 0)
        {
            request.Headers.TryAddWithoutValidation("Range", context.Request.Headers.Range.ToString());
        }

        using var response = await _invoker.SendAsync(request, context.RequestAborted);
        var body = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
        context.Response.ContentLength = body.Length;
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.PartialContent) || body.Length < 2)
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
            return;
        }

        if (response.Content.Headers.ContentRange is { } range)
        {
            context.Response.Headers.ContentRange = range.ToString();
        }

        Interlocked.Increment(ref _faulted);
        if (fault == S3BodyFault.WrongBytes)
        {
            body[body.Length / 2] ^= 0xff;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
            return;
        }

        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket
            ?? throw new InvalidOperationException("Kestrel exposes no socket to cut.");
        await context.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        if (fault == S3BodyFault.StallMidway)
        {
            // Until the client closes the connection (or the proxy stops).
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            context.Abort();
            return;
        }

        if (fault == S3BodyFault.CutThenReset)
        {
            // Linger zero: closing sends an RST instead of a FIN.
            socket.LingerState = new LingerOption(true, 0);
        }
        else
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        context.Abort();
    }
}
