using System.Net.Http.Headers;
using Collage.Transforms.Mounts;
using Collage.Transforms.Passthrough;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http.Features;

namespace Collage.Proxy.Endpoints;

/// <summary>
/// <c>GET /v2/</c>: the API version check every client starts with (OCI distribution spec 1.1, end-1).
/// Answered by Collage itself: it does not depend on any upstream. On a host whose mounts are all pass-through it
/// challenges like a secured registry (token spec, "How to authenticate"), so <c>docker login</c> works there; it
/// then answers 200 to a token Collage's token endpoint issued for one of that host's upstreams.
/// </summary>
internal static class BaseEndpoint
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    public static Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var feature = context.Features.GetRequiredFeature<RegistryRequestFeature>();
        // Under access control the front door already decided who passes /v2/ (a Collage token or a login).
        if (feature.Table.Access is null && PassthroughChallenge.IsAllPassthrough(feature.Table, feature.Map) && !HasIssuedToken(context, feature.Map, services.GetRequiredService<IssuedTokens>()))
        {
            context.Response.Headers.WWWAuthenticate = PassthroughChallenge.Bearer(context, feature, scope: null);
            return new OciError(StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "authentication required").WriteAsync(context);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = EmptyObject.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : context.Response.Body.WriteAsync(EmptyObject, context.RequestAborted).AsTask();
    }

    private static bool HasIssuedToken(HttpContext context, MountMap map, IssuedTokens issued) =>
        AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization.ToString(), out var authorization)
        && string.Equals(authorization.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
        && authorization.Parameter is { Length: > 0 } token
        && map.Mounts.Any(m => issued.IsIssuedFor(token, m.Upstream.Id));
}
