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

    /// <summary>
    /// An <c>n</c> or <c>last</c> that no page can answer. Distribution says <c>PAGINATION_NUMBER_INVALID</c>, but the spec's
    /// codes are a closed list (distribution spec 1.1, "Error Codes": the code MUST be one of them) with no code for a
    /// bad query parameter: <c>UNSUPPORTED</c>, which distribution describes as "an invalid set of parameters".
    /// </summary>
    public static OciError PaginationInvalid() =>
        new(StatusCodes.Status400BadRequest, "UNSUPPORTED", "invalid pagination: n must be a non-negative integer and last a tag or repository name");

    public static OciError UpstreamUnreachable() =>
        new(StatusCodes.Status502BadGateway, "UNAVAILABLE", "the upstream registry could not be reached");

    public static OciError UpstreamTimedOut() =>
        new(StatusCodes.Status504GatewayTimeout, "UNAVAILABLE", "the upstream registry timed out");
}
