using Collage.Transforms.Diagnostics;
using Collage.Transforms.Registry;
using Yarp.ReverseProxy.Forwarder;

namespace Collage.Proxy.Routing;

/// <summary>
/// Turns a failed forward (refused connection, DNS failure, timeout, aborted body) into an OCI error with
/// 502 or 504 and no internals, and logs the cause for the operator.
/// </summary>
internal sealed partial class ForwarderErrorMiddleware(RequestDelegate next, ILogger<ForwarderErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        var errorFeature = context.GetForwarderErrorFeature();
        if (errorFeature is null)
        {
            return;
        }

        var feature = context.Features.Get<RegistryRequestFeature>();
        var upstream = feature?.Resolution?.Upstream.Authority ?? "?";
        if (IsClientGone(errorFeature.Error))
        {
            // The client hung up (YARP has cancelled the upstream request): routine, not an upstream failure.
            LogClientGone(logger, errorFeature.Error, upstream, feature?.Request?.Name ?? "?");
            return;
        }

        LogForwardError(logger, errorFeature.Error, upstream, feature?.Request?.Name ?? "?", Describe(errorFeature.Exception));
        if (context.Response.HasStarted)
        {
            // Mid-body: the only honest signal is an aborted response (the client's digest check fails).
            return;
        }

        var timedOut = errorFeature.Error is ForwarderError.RequestTimedOut;
        var error = timedOut ? OciErrors.UpstreamTimedOut() : OciErrors.UpstreamUnreachable();
        // Whatever the upstream's half-answer set goes; the API version is added again as the headers go out.
        context.Response.Headers.Clear();
        await error.WriteAsync(context);
    }

    // YARP names the upstream "destination" and the caller "client"; these are the caller's doing.
    private static bool IsClientGone(ForwarderError error) => error is ForwarderError.RequestCanceled
        or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
        or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient;

    // The innermost message says what went wrong ("Connection refused (127.0.0.1:5101)") without a stack.
    private static string? Describe(Exception? exception)
    {
        while (exception?.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception is null ? null : $"{exception.GetType().Name}: {exception.Message}";
    }

    [LoggerMessage(EventId = EventIds.ForwardClientGone, Level = LogLevel.Debug, Message = "The client went away while forwarding to upstream {Upstream} for {Name}: {Error}")]
    private static partial void LogClientGone(ILogger logger, ForwarderError error, string upstream, string name);

    [LoggerMessage(EventId = EventIds.ForwardFailed, Level = LogLevel.Warning, Message = "Forwarding to upstream {Upstream} for {Name} failed: {Error} ({Exception})")]
    private static partial void LogForwardError(ILogger logger, ForwarderError error, string upstream, string name, string? exception);
}
