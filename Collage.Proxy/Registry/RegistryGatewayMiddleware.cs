using Collage.Transforms.Mounts;
using Collage.Transforms.Registry;
using Collage.Transforms.Rewriting;
using Microsoft.AspNetCore.Http.Features;

namespace Collage.Proxy.Registry;

/// <summary>
/// The front door of <c>/v2/</c>: refuses writes, judges the raw request target against the spec's
/// grammar, and resolves repository names through the mount table before routing, so every later step
/// works with a request that is known to be valid and mounted.
/// </summary>
internal sealed class RegistryGatewayMiddleware(RequestDelegate next, MountTableProvider tables, MountMapSelector selector)
{
    public Task InvokeAsync(HttpContext context)
    {
        // Fast path: everything outside the registry API (health, metrics) goes straight on.
        if (!context.Request.Path.StartsWithSegments("/v2", StringComparison.Ordinal))
        {
            return next(context);
        }

        context.Response.Headers[ForwardedHeaders.ApiVersion] = ForwardedHeaders.ApiVersionValue;
        var method = context.Request.Method;
        if (context.Request.Path.Equals(Endpoints.TokenEndpoint.Path, StringComparison.Ordinal)
            && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsPost(method)))
        {
            // Collage's own token endpoint (pass-through realm); its POST is the OAuth 2.0 form, not a write.
            return next(context);
        }

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
            return OciErrors.BodyNotAllowed().WriteAsync(context);
        }

        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var (request, error) = RegistryRequestParser.Parse(rawTarget);
        if (error is not null)
        {
            return error.WriteAsync(context);
        }

        switch (request!.Kind)
        {
            case RegistryRequestKind.Base:
                return next(context);
            case RegistryRequestKind.Catalog:
            case RegistryRequestKind.Tags:
                if (!PageRequest.TryParse(context.Request.Query, out var page) || !page.HasValidLast(request.Kind))
                {
                    return OciErrors.PaginationInvalid().WriteAsync(context);
                }

                if (request.Kind == RegistryRequestKind.Catalog)
                {
                    return next(context);
                }

                break;
        }

        var map = selector.Select(tables.Current, context.Request);
        if (map.Resolve(request.Name) is not { } resolution)
        {
            return OciErrors.NameUnknown(request.Name).WriteAsync(context);
        }

        context.Features.Set(new RegistryRequestFeature(request, map, resolution));
        return next(context);
    }
}
