using Collage.Transforms.Registry;
using Collage.Transforms.Upstreams;

namespace Collage.Transforms.Diagnostics;

/// <summary>
/// The layer of an upstream's handler chain (<see cref="Upstreams.UpstreamHandlerChain"/>) right under the rate-limit
/// handler: measures how long the upstream took to answer with headers, token dance and redirects included, as the
/// client sees it. The body is not waited for; answers given locally during a back-off never reach it.
/// </summary>
internal sealed class UpstreamLatencyHandler(UpstreamTelemetry telemetry, TimeProvider timeProvider) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var status = 0;
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            return response;
        }
        finally
        {
            telemetry.RecordExchange(MetricTags.KindName(UpstreamCall.Of(request)?.Kind ?? RegistryRequestKind.Unknown), status, timeProvider.GetElapsedTime(started));
        }
    }
}
