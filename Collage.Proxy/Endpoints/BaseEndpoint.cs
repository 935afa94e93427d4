namespace Collage.Proxy.Endpoints;

/// <summary>
/// <c>GET /v2/</c>: the API version check every client starts with (OCI distribution spec 1.1, end-1).
/// Answered by Collage itself: it does not depend on any upstream.
/// </summary>
internal static class BaseEndpoint
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    public static Task HandleAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = EmptyObject.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : context.Response.Body.WriteAsync(EmptyObject, context.RequestAborted).AsTask();
    }
}
