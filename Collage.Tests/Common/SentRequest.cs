namespace Collage.Tests.Common;

/// <summary>What <see cref="TestHandler"/> saw of one request.</summary>
internal sealed class SentRequest
{
    public SentRequest(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Request = request;
        Method = request.Method;
        Uri = request.RequestUri!;
        Version = request.Version;
        VersionPolicy = request.VersionPolicy;
        CancellationToken = cancellationToken;
        Headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
    }

    public HttpRequestMessage Request { get; }

    public HttpMethod Method { get; }

    public Uri Uri { get; }

    public Version Version { get; }

    public HttpVersionPolicy VersionPolicy { get; }

    public CancellationToken CancellationToken { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }
}
