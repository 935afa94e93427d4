using System.Text.Json;
using Collage.Transforms.Groups;
using Collage.Transforms.Mounts;
using Polly.CircuitBreaker;

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
    /// 200 when the config is loaded (it was validated at start-up) and, with probes on, the last round found every
    /// mount served: its upstream up, or for a group at least one member up (then <c>degraded</c> while another is
    /// down); 503 before the first round, while a mount has no member up, and while shutting down. Group members'
    /// circuit breakers are listed under <c>breakers</c>.
    /// </summary>
    public static async Task HandleReadinessAsync(
        HttpContext context, HealthOptions options, UpstreamHealth health, MountTableProvider tables, MemberHealth members, IHostApplicationLifetime lifetime)
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
            var up = results.Where(r => r.IsUp).Select(r => r.Upstream).ToHashSet(StringComparer.Ordinal);
            var mounts = new[] { tables.Current.Global }.Concat(tables.Current.Vhosts.Values).SelectMany(m => m.Mounts).ToList();
            ready = mounts.All(m => m.Members.Any(member => up.Contains(member.Upstream.Authority)));
            status = !ready ? "upstream down" : results.All(r => r.IsUp) ? "ready" : "degraded";
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

            if (members.States() is { Count: > 0 } breakers)
            {
                json.WriteStartObject("breakers");
                foreach (var (upstream, state) in breakers)
                {
                    json.WriteString(upstream, Describe(state));
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

    private static string Describe(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half-open",
        _ => "isolated",
    };
}
