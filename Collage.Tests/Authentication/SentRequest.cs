namespace Collage.Tests.Authentication;

/// <summary>A copy of a request the scripted handler was sent.</summary>
internal sealed record SentRequest(
    HttpMethod Method,
    Uri Uri,
    Version Version,
    HttpVersionPolicy VersionPolicy,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, object?> Options)
{
    public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;
}
