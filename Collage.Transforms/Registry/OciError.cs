using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Registry;

/// <summary>
/// An error answer in the distribution spec's format (OCI distribution spec 1.1, "Error Codes"):
/// <c>{"errors":[{"code":"...","message":"..."}]}</c>. Messages are Collage's own; they never carry
/// upstream URLs, credentials or exception text.
/// </summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Code">One of the spec's codes (or distribution's <c>UNKNOWN</c>/<c>UNAVAILABLE</c>, <c>TAG_INVALID</c>).</param>
/// <param name="Message">A sentence for a person.</param>
/// <param name="Name">The local repository name, as <c>detail.name</c>, when there is one.</param>
public sealed record OciError(int StatusCode, string Code, string Message, string? Name = null)
{
    /// <summary>The media type of error bodies.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Writes the error as the whole response (status, headers and, except for HEAD, body).</summary>
    public Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCode;
        response.ContentType = ContentType;
        var body = ToUtf8Json();
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>The error body.</summary>
    public byte[] ToUtf8Json()
    {
        using var buffer = new MemoryStream(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("errors");
            json.WriteStartObject();
            json.WriteString("code", Code);
            json.WriteString("message", Message);
            if (Name is not null)
            {
                json.WriteStartObject("detail");
                json.WriteString("name", Name);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
