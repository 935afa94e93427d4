using Collage.Transforms.Configuration;
using Collage.Transforms.Registry;

namespace Collage.Transforms.Mounts;

/// <summary>
/// Parses a mapping's value, <c>[http[s]://]host[:port][/namespace]</c>. TLS unless the value says
/// <c>http://</c>, as the original collage did.
/// </summary>
internal static class UpstreamSource
{
    public static (string Scheme, string Authority, string Prefix) Parse(string key, string? value)
    {
        var text = value?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            throw new CollageConfigException(key, "the upstream is empty. Write it as [http://]host[:port][/namespace], e.g. \"quay.io/coreos/etcd\".");
        }

        var scheme = Uri.UriSchemeHttps;
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            scheme = text[..schemeEnd].ToLowerInvariant();
            if (scheme is not ("http" or "https"))
            {
                throw new CollageConfigException(key, $"the upstream scheme '{scheme}' is not supported. Use https:// (the default) or http:// for a plain-HTTP registry.");
            }

            text = text[(schemeEnd + 3)..];
        }

        if (!Uri.TryCreate($"{scheme}://{text}", UriKind.Absolute, out var uri)
            || uri.HostNameType is UriHostNameType.Unknown or UriHostNameType.Basic
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || text.StartsWith('/') || text.Contains('\\'))
        {
            throw new CollageConfigException(key, $"the upstream '{value}' does not parse. Write it as [http://]host[:port][/namespace], without credentials, query or fragment.");
        }

        var host = uri.HostNameType == UriHostNameType.IPv6
            ? $"[{uri.IdnHost}]"
            : DockerHub.NormalizeHost(uri.IdnHost.ToLowerInvariant());
        var authority = uri.IsDefaultPort ? host : $"{host}:{uri.Port}";

        // The namespace as written, not Uri's canonical path: Uri resolves "a/../b" to "b" and "a/./b" to
        // "a/b", which would silently point the mount at another namespace.
        var pathStart = text.IndexOf('/');
        var prefix = pathStart < 0 ? string.Empty : text[pathStart..].Trim('/');
        if (prefix.Length > 0 && !ReferenceGrammar.IsValidName(prefix))
        {
            throw new CollageConfigException(key, $"the upstream namespace '{prefix}' is not a valid repository name (lower-case letters, digits, '.', '_', '-' and '/' between components).");
        }

        return (scheme, authority, prefix);
    }
}
