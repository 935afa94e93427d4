namespace Collage.Tests.Functional.Common;

/// <summary>What a <see cref="FakeServer"/> received.</summary>
internal sealed record ReceivedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers)
{
    public bool HasHeader(string name) => Headers.ContainsKey(name);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
