using System.Net;

namespace Collage.Tests.EndToEnd.Groups;

/// <summary>Collage's answer to one request: status, body, <c>Docker-Content-Digest</c>, <c>Retry-After</c>, and how long it took.</summary>
internal sealed record GatewayAnswer(HttpStatusCode Status, string Body, string? Digest, string? RetryAfter, TimeSpan Elapsed);
