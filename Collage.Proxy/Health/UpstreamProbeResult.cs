namespace Collage.Proxy.Health;

/// <summary>The outcome of one probe of an upstream's <c>/v2/</c>.</summary>
/// <param name="Upstream">The upstream's <c>host[:port]</c>.</param>
/// <param name="IsUp">It answered with a status below 500 (401 counts: the registry is there).</param>
/// <param name="Detail">The status code, or the kind of failure; never a URL or a header.</param>
internal sealed record UpstreamProbeResult(string Upstream, bool IsUp, string Detail);
