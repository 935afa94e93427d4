using System.Buffers;
using System.Text.Json;

namespace Collage.Transforms.Authentication;

/// <summary>
/// Reads a token server's JSON answer (distribution token spec, "Token Response Fields").
/// </summary>
internal static class TokenResponseReader
{
    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> of <paramref name="content"/> and returns the token.
    /// </summary>
    /// <exception cref="InvalidDataException">The body is too large, not JSON, or has no usable token.</exception>
    public static async Task<TokenResponse> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);

        if (content.Headers.ContentLength > maxBytes)
        {
            throw new InvalidDataException($"The token response is larger than {maxBytes} bytes.");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
        try
        {
            var length = 0;
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while (length <= maxBytes
                    && (read = await stream.ReadAsync(buffer.AsMemory(length, maxBytes + 1 - length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                }
            }

            if (length > maxBytes)
            {
                throw new InvalidDataException($"The token response is larger than {maxBytes} bytes.");
            }

            return Parse(buffer.AsMemory(0, length));
        }
        finally
        {
            // The buffer held a token.
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    public static TokenResponse Parse(ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The token response is not JSON.", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("The token response is not a JSON object.");
            }

            // "token" is the spec's field; "access_token" is OAuth 2.0's, which the spec accepts
            // for compatibility and says must hold the same value when both are sent.
            var token = GetString(root, "token") ?? GetString(root, "access_token");
            if (token is null || !IsBearerToken(token))
            {
                throw new InvalidDataException("The token response has no usable token.");
            }

            int? expiresIn = root.TryGetProperty("expires_in", out var e)
                && e.ValueKind == JsonValueKind.Number
                && e.TryGetInt32(out var seconds)
                    ? seconds
                    : null;

            DateTimeOffset? issuedAt = root.TryGetProperty("issued_at", out var i)
                && i.ValueKind == JsonValueKind.String
                && i.TryGetDateTimeOffset(out var at)
                    ? at
                    : null;

            return new TokenResponse(token, expiresIn, issuedAt, GetString(root, "refresh_token"));
        }
    }

    private static string? GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    // RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
    // Anything else cannot go into an Authorization header as is, and may be an injection attempt.
    private static bool IsBearerToken(string token)
    {
        var end = token.Length;
        while (end > 0 && token[end - 1] == '=')
        {
            end--;
        }

        if (end == 0)
        {
            return false;
        }

        foreach (var c in token.AsSpan(0, end))
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_' or '~' or '+' or '/'))
            {
                return false;
            }
        }

        return true;
    }
}
