using Collage.Transforms.Diagnostics;
using Collage.Transforms.Mounts;
using Collage.Transforms.Upstreams;

namespace Collage.Proxy.Health;

/// <summary>
/// Probes every upstream's <c>/v2/</c> through its own client (its TLS trust and token dance) once per
/// <see cref="HealthOptions.ProbeInterval"/>, all upstreams at once, and publishes the round to
/// <see cref="UpstreamHealth"/>. Reads the mount table each round, so a reload's upstreams are probed.
/// </summary>
internal sealed partial class UpstreamProber(
    HealthOptions options,
    MountTableProvider tables,
    UpstreamClientFactory clients,
    UpstreamHealth health,
    TimeProvider timeProvider,
    ILogger<UpstreamProber> logger) : BackgroundService
{
    private readonly Dictionary<string, bool> _lastState = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // One table per round: a reload mid-round does not mix two tables' clients.
            var table = tables.Current;
            var results = await Task.WhenAll(table.Upstreams.Select(upstream => ProbeAsync(table, upstream, stoppingToken)));
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            // Logged before published: whoever sees /readyz change can already find the reason in the log.
            LogChanges(results);
            health.Publish(results);
            try
            {
                await Task.Delay(options.ProbeInterval, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    internal async Task<UpstreamProbeResult> ProbeAsync(MountTable table, Upstream upstream, CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(options.ProbeTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        try
        {
            using var request = UpstreamCall.Base.On(new HttpRequestMessage(HttpMethod.Get, new Uri(upstream.BaseUri, "v2/")));
            using var response = await clients.GetClient(table, upstream).SendAsync(request, linked.Token);
            var status = (int)response.StatusCode;
            return new UpstreamProbeResult(upstream.Authority, status < 500, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new UpstreamProbeResult(upstream.Authority, false, "timeout");
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
        {
            return new UpstreamProbeResult(upstream.Authority, false, ex is HttpRequestException { HttpRequestError: var error } ? error.ToString() : "error");
        }
        catch (OperationCanceledException)
        {
            return new UpstreamProbeResult(upstream.Authority, false, "stopping");
        }
    }

    private void LogChanges(IEnumerable<UpstreamProbeResult> results)
    {
        foreach (var result in results)
        {
            var known = _lastState.TryGetValue(result.Upstream, out var wasUp);
            if (!known || wasUp != result.IsUp)
            {
                if (result.IsUp)
                {
                    LogUp(logger, result.Upstream, result.Detail);
                }
                else
                {
                    LogDown(logger, result.Upstream, result.Detail);
                }
            }

            _lastState[result.Upstream] = result.IsUp;
        }
    }

    [LoggerMessage(EventIds.UpstreamProbeUp, LogLevel.Information, "Upstream {Upstream} answers probes ({Detail}).", EventName = "UpstreamUp")]
    private static partial void LogUp(ILogger logger, string upstream, string detail);

    [LoggerMessage(EventIds.UpstreamProbeDown, LogLevel.Warning, "Upstream {Upstream} does not answer probes ({Detail}); /readyz reports unready.", EventName = "UpstreamDown")]
    private static partial void LogDown(ILogger logger, string upstream, string detail);
}
