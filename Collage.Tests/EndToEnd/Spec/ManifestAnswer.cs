using System.Text.Json;

namespace Collage.Tests.EndToEnd.Spec;

/// <summary>What a manifest request was answered with, as a client sees it.</summary>
/// <param name="Status">The status code.</param>
/// <param name="ContentType">The raw <c>Content-Type</c>, parameters included; null when absent.</param>
/// <param name="Digest">The <c>Docker-Content-Digest</c>; null when absent.</param>
/// <param name="Length">The <c>Content-Length</c>; null when absent.</param>
/// <param name="Body">The body (empty for HEAD).</param>
/// <param name="ErrorCode">The first OCI error code of an error body; null otherwise.</param>
internal sealed record ManifestAnswer(int Status, string? ContentType, string? Digest, long? Length, byte[] Body, string? ErrorCode)
{
    /// <summary>Sends <paramref name="method"/> for <paramref name="path"/> with <paramref name="accept"/> (none when null).</summary>
    public static async Task<ManifestAnswer> FetchAsync(HttpClient client, HttpMethod method, string path, string? accept)
    {
        using var request = new HttpRequestMessage(method, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        var contentType = response.Content.Headers.TryGetValues("Content-Type", out var types) ? string.Join(',', types) : null;
        var digest = response.Headers.TryGetValues("Docker-Content-Digest", out var digests) ? string.Join(',', digests) : null;
        return new ManifestAnswer((int)response.StatusCode, contentType, digest, response.Content.Headers.ContentLength, body, ErrorCodeOf((int)response.StatusCode, body));
    }

    /// <summary>
    /// How this answer differs from <paramref name="expected"/>, or null when a client could not tell them apart:
    /// status, media type, digest, length and bytes; for errors the OCI code (Collage writes its own message). A signed
    /// schema 1 manifest is signed anew on every request, so only its digest (of the payload) and media type are compared.
    /// </summary>
    public string? DifferenceFrom(ManifestAnswer expected)
    {
        if (Status != expected.Status)
        {
            return $"status {Status}, expected {expected.Status} ({ErrorCode ?? "no code"} vs {expected.ErrorCode ?? "no code"})";
        }

        if (Status >= 400)
        {
            return ErrorCode == expected.ErrorCode ? null : $"error code {ErrorCode}, expected {expected.ErrorCode}";
        }

        if (ContentType != expected.ContentType || Digest != expected.Digest)
        {
            return $"Content-Type {ContentType} and digest {Digest}, expected {expected.ContentType} and {expected.Digest}";
        }

        var signed = ContentType == NegotiationImages.Schema1SignedType;
        if (!signed && (Length != expected.Length || !Body.AsSpan().SequenceEqual(expected.Body)))
        {
            return $"{Length} bytes, expected {expected.Length} (or other bytes)";
        }

        return null;
    }

    private static string? ErrorCodeOf(int status, byte[] body)
    {
        if (status < 400 || body.Length == 0 || body[0] != (byte)'{')
        {
            return null;
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("errors", out var errors) && errors.GetArrayLength() > 0
            ? errors[0].GetProperty("code").GetString()
            : null;
    }
}
