using System.Text;
using Collage.Transforms.Mirroring;
using Collage.Transforms.Mounts;

namespace Collage.Transforms.Rewriting;

/// <summary>
/// Rewrites URIs that point into an upstream's <c>/v2/&lt;upstream name&gt;/</c> to the local path, so a
/// client follows pagination (<c>Link</c>, RFC 8288) and <c>Location</c> through Collage, never past it.
/// </summary>
internal static class LinkRewriter
{
    /// <summary>
    /// The local form of <paramref name="value"/>, or <c>null</c> when it points anywhere else. A mirror client's
    /// <paramref name="registryHost"/> (its <c>ns</c>) is added, so following the link selects the same vhost.
    /// </summary>
    public static string? RewriteUri(string value, Upstream upstream, string upstreamName, string localName, string? registryHost = null)
    {
        string pathAndQuery;
        if (value.StartsWith('/') && !value.StartsWith("//", StringComparison.Ordinal))
        {
            pathAndQuery = value;
        }
        else if (Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.Equals(uri.Authority, upstream.Authority, StringComparison.OrdinalIgnoreCase))
        {
            pathAndQuery = uri.PathAndQuery;
        }
        else
        {
            return null;
        }

        var prefix = $"/v2/{upstreamName}/";
        if (!pathAndQuery.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var local = $"/v2/{localName}/{pathAndQuery[prefix.Length..]}";
        return MirrorNamespace.AddToUri(local, registryHost);
    }

    /// <summary>
    /// Rewrites every link-value of a <c>Link</c> header (<c>&lt;uri&gt;; rel="next", ...</c>); drops those
    /// that point outside the repository. <c>null</c> when none is left.
    /// </summary>
    public static string? RewriteLinkHeader(string header, Upstream upstream, string upstreamName, string localName, string? registryHost = null)
    {
        var result = new StringBuilder();
        foreach (var link in LinkHeader.Parse(header))
        {
            if (RewriteUri(link.Target, upstream, upstreamName, localName, registryHost) is { } target)
            {
                if (result.Length > 0)
                {
                    result.Append(", ");
                }

                result.Append('<').Append(target).Append('>').Append(link.Parameters);
            }
        }

        return result.Length == 0 ? null : result.ToString();
    }
}
