using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Registry;

/// <summary>The errors Collage answers itself.</summary>
internal static class OciErrors
{
    public static OciError NameUnknown(string name) =>
        new(StatusCodes.Status404NotFound, "NAME_UNKNOWN", "repository name not known to registry", name);

    public static OciError NameInvalid(string message) =>
        new(StatusCodes.Status400BadRequest, "NAME_INVALID", message);

    public static OciError DigestInvalid(string name) =>
        new(StatusCodes.Status400BadRequest, "DIGEST_INVALID", "provided digest did not match the digest grammar", name);

    /// <summary>
    /// A manifest reference that is neither a digest nor a tag names no manifest: 404 (distribution spec 1.1, "Pulling
    /// manifests": a manifest not found MUST be a 404; the conformance suite asks for <c>.INVALID_MANIFEST_NAME</c>, and
    /// distribution answers so), never asked of an upstream.
    /// </summary>
    public static OciError ManifestUnknown(string name) =>
        new(StatusCodes.Status404NotFound, "MANIFEST_UNKNOWN", "manifest unknown to registry", name);

    public static OciError ReadOnly() =>
        new(StatusCodes.Status405MethodNotAllowed, "UNSUPPORTED", "this registry is read-only: pushes, uploads and deletes are not supported");

    public static OciError BodyNotAllowed() =>
        new(StatusCodes.Status400BadRequest, "UNSUPPORTED", "a GET or HEAD request must not carry a body");

    public static OciError UnknownEndpoint() =>
        new(StatusCodes.Status404NotFound, "UNSUPPORTED", "the requested endpoint is not part of the registry API");

    public static OciError PaginationInvalid() =>
        new(StatusCodes.Status400BadRequest, "PAGINATION_NUMBER_INVALID", "invalid number of results requested");

    public static OciError UpstreamUnreachable() =>
        new(StatusCodes.Status502BadGateway, "UNAVAILABLE", "the upstream registry could not be reached");

    public static OciError UpstreamTimedOut() =>
        new(StatusCodes.Status504GatewayTimeout, "UNAVAILABLE", "the upstream registry timed out");
}
