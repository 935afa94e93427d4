namespace Collage.Transforms.Registry;

/// <summary>
/// Parses the raw request target of a <c>/v2/</c> request. The raw target is judged, not the routed path:
/// Kestrel removes dot segments and decodes before routing, which would hide <c>..</c> and <c>%2F</c>.
/// </summary>
internal static class RegistryRequestParser
{
    /// <summary>Parses <paramref name="rawTarget"/>; exactly one of the results is set.</summary>
    public static (RegistryRequest? Request, OciError? Error) Parse(string rawTarget)
    {
        var query = rawTarget.IndexOf('?');
        var path = query < 0 ? rawTarget : rawTarget[..query];
        if (!path.StartsWith("/v2", StringComparison.Ordinal))
        {
            // Absolute-form targets and anything else Kestrel mapped under /v2 by normalisation.
            return (null, OciErrors.NameInvalid("the request target must be an absolute path under /v2/"));
        }

        if (path.Length == 3 || (path.Length == 4 && path[3] == '/'))
        {
            return (RegistryRequest.BaseRequest, null);
        }

        if (path[3] != '/')
        {
            return (null, OciErrors.UnknownEndpoint());
        }

        if (path.Contains('\\'))
        {
            return (null, OciErrors.NameInvalid("invalid repository name"));
        }

        var segments = path[4..].Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.Contains('%'))
            {
                // Percent-encoding is never needed in a name, tag or digest; an encoded '/' or '.' is an attempt
                // to smuggle separators. Only an encoded ':' in a digest has an innocent reading.
                segment = Uri.UnescapeDataString(segment);
                if (segment.AsSpan().IndexOfAny('/', '\\', '%') >= 0 || segment.Contains('.'))
                {
                    return (null, OciErrors.NameInvalid("invalid repository name"));
                }

                segments[i] = segment;
            }

            if (segment.Length == 0 || segment is "." or "..")
            {
                return (null, OciErrors.NameInvalid("invalid repository name"));
            }
        }

        var n = segments.Length;
        if (n == 1 && segments[0] == "_catalog")
        {
            return (RegistryRequest.CatalogRequest, null);
        }

        if (n < 3)
        {
            return (null, OciErrors.UnknownEndpoint());
        }

        var kind = (segments[n - 2], segments[n - 1]) switch
        {
            ("tags", "list") => RegistryRequestKind.Tags,
            ("manifests", _) => RegistryRequestKind.Manifest,
            ("blobs", _) => RegistryRequestKind.Blob,
            ("referrers", _) => RegistryRequestKind.Referrers,
            _ => RegistryRequestKind.Unknown,
        };

        if (kind == RegistryRequestKind.Unknown)
        {
            return (null, OciErrors.UnknownEndpoint());
        }

        var name = string.Join('/', segments, 0, n - 2);
        if (!ReferenceGrammar.IsValidName(name))
        {
            return (null, OciErrors.NameInvalid("invalid repository name"));
        }

        if (kind == RegistryRequestKind.Tags)
        {
            return (new RegistryRequest(kind, name, null), null);
        }

        var reference = segments[n - 1];
        if (kind == RegistryRequestKind.Manifest ? !ReferenceGrammar.IsValidReference(reference) : !ReferenceGrammar.IsValidDigest(reference))
        {
            return (null, reference.Contains(':') || kind != RegistryRequestKind.Manifest ? OciErrors.DigestInvalid(name) : OciErrors.TagInvalid(name));
        }

        return (new RegistryRequest(kind, name, reference), null);
    }
}
