using System.Text.Json;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Rewriting;

/// <summary>
/// Replaces an upstream's error answer with Collage's own OCI error body: the upstream's code is kept
/// when it is one of the spec's (or the legacy <c>TAG_INVALID</c> the spec says clients may meet; distribution's own
/// <c>PAGINATION_NUMBER_INVALID</c> becomes the status's code), the message is always Collage's, so no upstream name, URL or
/// internal detail reaches the client (OCI distribution spec 1.1, "Error Codes").
/// </summary>
internal static class UpstreamErrorMapper
{
    private static readonly Dictionary<string, string> Messages = new(StringComparer.Ordinal)
    {
        ["BLOB_UNKNOWN"] = "blob unknown to registry",
        ["DIGEST_INVALID"] = "provided digest did not match uploaded content",
        ["MANIFEST_BLOB_UNKNOWN"] = "manifest references a manifest or blob unknown to registry",
        ["MANIFEST_INVALID"] = "manifest invalid",
        ["MANIFEST_UNKNOWN"] = "manifest unknown to registry",
        ["NAME_INVALID"] = "invalid repository name",
        ["NAME_UNKNOWN"] = "repository name not known to registry",
        ["TAG_INVALID"] = "manifest tag did not match the tag grammar",
        ["UNAUTHORIZED"] = "authentication required by the upstream registry",
        ["DENIED"] = "requested access to the resource is denied by the upstream registry",
        ["UNSUPPORTED"] = "the operation is unsupported by the upstream registry",
        ["TOOMANYREQUESTS"] = "too many requests to the upstream registry",
    };

    /// <summary>The error Collage answers for an upstream status of 400 or more.</summary>
    public static OciError Map(int upstreamStatus, RegistryRequest request, ReadOnlySpan<byte> upstreamBody)
    {
        if (upstreamStatus >= 500)
        {
            return upstreamStatus == StatusCodes.Status504GatewayTimeout
                ? new OciError(StatusCodes.Status504GatewayTimeout, "UNAVAILABLE", "the upstream registry timed out")
                : new OciError(StatusCodes.Status502BadGateway, "UNAVAILABLE", $"the upstream registry failed (status {upstreamStatus})");
        }

        var code = UpstreamCode(upstreamBody) ?? DefaultCode(upstreamStatus, request.Kind);
        var message = upstreamStatus == StatusCodes.Status416RangeNotSatisfiable
            ? "the requested range is not satisfiable"
            : Messages.GetValueOrDefault(code, "the upstream registry refused the request");
        return new OciError(upstreamStatus, code, message, request.Name);
    }

    private static string DefaultCode(int status, RegistryRequestKind kind) => status switch
    {
        StatusCodes.Status401Unauthorized => "UNAUTHORIZED",
        StatusCodes.Status403Forbidden => "DENIED",
        StatusCodes.Status429TooManyRequests => "TOOMANYREQUESTS",
        StatusCodes.Status404NotFound => kind switch
        {
            RegistryRequestKind.Manifest => "MANIFEST_UNKNOWN",
            RegistryRequestKind.Blob => "BLOB_UNKNOWN",
            // A registry without the referrers API answers 404; clients then fall back to the tag schema.
            RegistryRequestKind.Referrers => "UNSUPPORTED",
            _ => "NAME_UNKNOWN",
        },
        _ => "UNSUPPORTED",
    };

    private static string? UpstreamCode(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty || body[0] != (byte)'{')
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                && errors.GetArrayLength() > 0 && errors[0].TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String && Messages.ContainsKey(code.GetString()!))
            {
                return code.GetString();
            }
        }
        catch (JsonException)
        {
            // Not an OCI error body (e.g. "404 page not found"): the status decides.
        }

        return null;
    }
}
