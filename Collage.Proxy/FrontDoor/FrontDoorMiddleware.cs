using Collage.Transforms.Access;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Mirroring;
using Collage.Transforms.Mounts;
using Collage.Transforms.Registry;
using Collage.Transforms.Rewriting;
using Microsoft.AspNetCore.Http.Features;

namespace Collage.Proxy.FrontDoor;

/// <summary>
/// The front door of <c>/v2/</c>, where every decision about a request is made, once: the mount table in force
/// (read once per request), the mount map (Host or containerd's <c>ns</c>), the read-only guard, the spec's grammar
/// judged on the raw target, the page of a listing, who the client is and what it may pull, and the mount a repository
/// name resolves to. The decisions go
/// on the request as a <see cref="RegistryRequestFeature"/>; nothing after this parses or chooses them again.
/// </summary>
internal sealed partial class FrontDoorMiddleware(RequestDelegate next, MountTableProvider tables, AccessGate access, ILogger<FrontDoorMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        // Fast path: everything outside the registry API (health, metrics) goes straight on.
        if (!context.Request.Path.StartsWithSegments("/v2", StringComparison.Ordinal))
        {
            return next(context);
        }

        RegistryHeaders.AddApiVersion(context.Response);
        var table = tables.Current;
        _ = MirrorNamespace.TryGet(context.Request.Query, out var registryHost);
        var map = table.Select(context.Request.Host, registryHost, out var byRegistry);
        if (registryHost is not null)
        {
            LogMirrorRequest(registryHost, map.Name, byRegistry);
        }

        var feature = new RegistryRequestFeature(table, map, registryHost);
        context.Features.Set(feature);
        var method = context.Request.Method;
        if (context.Request.Path.Equals(Endpoints.TokenEndpoint.Path, StringComparison.Ordinal)
            && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsPost(method)))
        {
            // Collage's own token endpoint (pass-through realm); its POST is the OAuth 2.0 form, not a write.
            feature.Kind = RegistryRequestKind.Token;
            return next(context);
        }

        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var target = RegistryRequestParser.Parse(rawTarget);
        var (request, error) = target;
        feature.Kind = target.Kind;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            // Collage is read-only: uploads, pushes and deletes never reach an upstream.
            context.Response.Headers.Allow = "GET, HEAD";
            return OciErrors.ReadOnly().WriteAsync(context);
        }

        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            // RFC 9110 section 9.3.1: content in a GET has no defined meaning; forwarding it would hand an
            // upstream a body (chunked or not) that it may frame differently, the stuff of request smuggling.
            // RFC 9112 section 6.1: after such a request the server MUST close the connection; Kestrel would
            // otherwise keep it and wait up to 5 s for a body that may never come.
            context.Response.Headers.Connection = "close";
            return OciErrors.BodyNotAllowed().WriteAsync(context);
        }

        if (error is not null)
        {
            return error.WriteAsync(context);
        }

        feature.Request = request;
        if (request!.Kind is RegistryRequestKind.Catalog or RegistryRequestKind.Tags)
        {
            if (!PageRequest.TryParse(context.Request.Query, out var page) || !page.HasValidLast(request.Kind))
            {
                return OciErrors.PaginationInvalid().WriteAsync(context);
            }

            feature.Page = page;
        }

        // Before the mount is looked up: an unmounted name and a forbidden one get the same answer.
        if (table.Access is { } policy)
        {
            var decision = access.DecideAsync(context, feature, request, policy);
            if (!decision.IsCompletedSuccessfully)
            {
                return ResolveAfterAsync(decision, context, feature, request);
            }

            if (decision.Result is { } refusal)
            {
                return refusal;
            }
        }

        return Resolve(context, feature, request);
    }

    // A token or login checked for the first time (a signature, bcrypt, an OIDC issuer's keys): the rest waits for it.
    private async Task ResolveAfterAsync(ValueTask<Task?> decision, HttpContext context, RegistryRequestFeature feature, RegistryRequest request)
    {
        if (await decision is { } refusal)
        {
            await refusal;
            return;
        }

        await Resolve(context, feature, request);
    }

    private Task Resolve(HttpContext context, RegistryRequestFeature feature, RegistryRequest request)
    {
        if (request.Kind is RegistryRequestKind.Base or RegistryRequestKind.Catalog)
        {
            return next(context);
        }

        if (feature.Map.Resolve(request.Name) is not { } resolution)
        {
            return OciErrors.NameUnknown(request.Name).WriteAsync(context);
        }

        feature.Resolution = resolution;
        return next(context);
    }

    private void LogMirrorRequest(string registryHost, string map, bool byRegistry)
    {
        if (byRegistry)
        {
            LogNamespaceSelected(logger, registryHost, map);
        }
        else
        {
            LogNamespaceUnknown(logger, registryHost, map);
        }
    }

    [LoggerMessage(EventId = EventIds.MirrorNamespaceSelected, Level = LogLevel.Debug, Message = "Mirror request for registry {Namespace}: serving vhost {Map}")]
    private static partial void LogNamespaceSelected(ILogger logger, string @namespace, string map);

    [LoggerMessage(EventId = EventIds.MirrorNamespaceUnknown, Level = LogLevel.Debug, Message = "Mirror request for registry {Namespace}: no vhost has that name, serving {Map} by the Host header")]
    private static partial void LogNamespaceUnknown(ILogger logger, string @namespace, string map);
}
