using System.Text.Json;

namespace Collage.Proxy.Ui;

/// <summary>What Collage's own <c>/v2/</c> answered one of the page's calls.</summary>
/// <param name="Status">The status code.</param>
/// <param name="Body">The body, up to the call's cap.</param>
/// <param name="ContentType">The media type, without parameters.</param>
/// <param name="Digest">The <c>Docker-Content-Digest</c>, when sent.</param>
/// <param name="Link">The <c>Link</c> header of a listing page, when sent.</param>
/// <param name="TooLarge">The body was longer than the cap and is cut.</param>
internal sealed record UiAnswer(int Status, byte[] Body, string? ContentType, string? Digest, string? Link, bool TooLarge)
{
    /// <summary>Whether the answer is a 2xx with its whole body.</summary>
    public bool IsSuccess => Status is >= 200 and < 300 && !TooLarge;

    /// <summary>
    /// The OCI error of a failed answer as one line (<c>NAME_UNKNOWN: repository name not known to registry</c>), or
    /// null. Collage's own error bodies never carry an upstream's address or a credential, so this is safe to show.
    /// </summary>
    public string? ErrorText()
    {
        if (Status < 400 || Body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(Body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                && errors.GetArrayLength() > 0 && errors[0].ValueKind == JsonValueKind.Object)
            {
                var first = errors[0];
                var code = first.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                var message = first.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                return code is null ? message : message is null ? code : $"{code}: {message}";
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
