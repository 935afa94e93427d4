using Collage.Transforms.Registry;
using Collage.Transforms.Upstreams;

namespace Collage.Tests.Upstreams;

/// <summary>
/// The <see cref="UpstreamCall"/> the gateway attaches to a request for <paramref name="path"/>: what the front door
/// (repository requests), the catalog and the prober would say, read with the front door's own parser.
/// </summary>
internal static class UpstreamCalls
{
    public static UpstreamCall? ForPath(string path)
    {
        var parsed = RegistryRequestParser.Parse(path);
        return parsed.Kind switch
        {
            RegistryRequestKind.Manifest or RegistryRequestKind.Blob or RegistryRequestKind.Tags or RegistryRequestKind.Referrers
                when parsed.Name is { } name => new UpstreamCall(parsed.Kind, name),
            _ when parsed.Request?.Kind == RegistryRequestKind.Catalog => UpstreamCall.Catalog,
            _ when parsed.Request?.Kind == RegistryRequestKind.Base => UpstreamCall.Base,
            _ => null,
        };
    }

    /// <summary>A GET of <paramref name="uri"/> marked as the gateway would mark it.</summary>
    public static HttpRequestMessage Marked(HttpMethod method, string uri)
    {
        var request = new HttpRequestMessage(method, uri);
        return ForPath(request.RequestUri!.AbsolutePath) is { } call ? call.On(request) : request;
    }
}
