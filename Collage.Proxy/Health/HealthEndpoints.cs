using System.Text.Json;

namespace Collage.Proxy.Health;

/// <summary>
/// <c>/healthz</c> and <c>/readyz</c>, outside <c>/v2/</c> so they never touch the registry API's guard. Both
/// answer from memory: readiness reads the cached probe round, never an upstream.
/// </summary>
internal static class HealthEndpoints
{
    private static readonly byte[] Ok = "ok\n"u8.ToArray();

    /// <summary>200 while the process serves requests.</summary>
    public static Task HandleLivenessAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain";
        context.Response.ContentLength = Ok.Length;
        context.Response.Headers.CacheControl = "no-store";
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(Ok, context.RequestAborted).AsTask();
    }

    /// <summary>
    /// 200 when the config is loaded (it was validated at start-up) and, with probes on, the last round found
    /// every upstream up; 503 before the first round, while any upstream is down, and while shutting down.
    /// </summary>
    public static async Task HandleReadinessAsync(HttpContext context, HealthOptions options, UpstreamHealth health, IHostApplicationLifetime lifetime)
    {
        var results = health.Last;
        string status;
        var ready = false;
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            status = "stopping";
        }
        else if (!options.ProbeUpstreams)
        {
            status = "ready";
            ready = true;
        }
        else if (results is null)
        {
            status = "probing";
        }
        else
        {
            ready = results.All(r => r.IsUp);
            status = ready ? "ready" : "upstream down";
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", status);
            if (options.ProbeUpstreams && results is not null)
            {
                json.WriteStartObject("upstreams");
                foreach (var result in results)
                {
                    json.WriteString(result.Upstream, result.IsUp ? $"up ({result.Detail})" : $"down ({result.Detail})");
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        context.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.Length;
        context.Response.Headers.CacheControl = "no-store";
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
        }
    }
}
