namespace Collage.Transforms.Registry;

/// <summary>
/// Parses the raw request target of a <c>/v2/</c> request. The raw target is judged, not the routed path:
/// Kestrel removes dot segments and decodes before routing, which would hide <c>..</c> and <c>%2F</c>.
/// </summary>
internal static class RegistryRequestParser
{
    /// <summary>
    /// Parses <paramref name="rawTarget"/>: exactly one of the request and the error is set, and the endpoint's kind
    /// is known whenever the path ends like one. The one classifier of registry paths: the front door, the metrics and
    /// the token scope of an upstream path all read paths here.
    /// </summary>
    public static RegistryTarget Parse(string rawTarget)
    {
        var query = rawTarget.IndexOf('?');
        var path = query < 0 ? rawTarget : rawTarget[..query];
        if (!path.StartsWith("/v2", StringComparison.Ordinal))
        {
            // Absolute-form targets and anything else Kestrel mapped under /v2 by normalisation.
            return RegistryTarget.Refused(OciErrors.NameInvalid("the request target must be an absolute path under /v2/"));
        }

        if (path.Length == 3 || (path.Length == 4 && path[3] == '/'))
        {
            return RegistryTarget.Valid(RegistryRequest.BaseRequest);
        }

        if (path[3] != '/')
        {
            return RegistryTarget.Refused(OciErrors.UnknownEndpoint());
        }

        var segments = path[4..].Split('/');
        var n = segments.Length;
        // As the path reads before decoding: what a refusal is counted as.
        var kind = KindOf(segments);
        if (path.Contains('\\'))
        {
            return RegistryTarget.Refused(OciErrors.NameInvalid("invalid repository name"), kind);
        }

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
                    return RegistryTarget.Refused(OciErrors.NameInvalid("invalid repository name"), kind);
                }

                segments[i] = segment;
            }

            if (segment.Length == 0 || segment is "." or "..")
            {
                return RegistryTarget.Refused(OciErrors.NameInvalid("invalid repository name"), kind);
            }
        }

        kind = KindOf(segments);
        if (n == 1 && segments[0] == "_catalog")
        {
            return RegistryTarget.Valid(RegistryRequest.CatalogRequest);
        }

        if (n < 3)
        {
            return RegistryTarget.Refused(OciErrors.UnknownEndpoint());
        }

        if (kind == RegistryRequestKind.Unknown)
        {
            return RegistryTarget.Refused(OciErrors.UnknownEndpoint());
        }

        var name = string.Join('/', segments, 0, n - 2);
        if (!ReferenceGrammar.IsValidName(name))
        {
            return RegistryTarget.Refused(OciErrors.NameInvalid("invalid repository name"), kind);
        }

        if (kind == RegistryRequestKind.Tags)
        {
            return RegistryTarget.Valid(new RegistryRequest(kind, name, null));
        }

        var reference = segments[n - 1];
        if (kind == RegistryRequestKind.Manifest ? !ReferenceGrammar.IsValidReference(reference) : !ReferenceGrammar.IsValidDigest(reference))
        {
            var error = reference.Contains(':') || kind != RegistryRequestKind.Manifest ? OciErrors.DigestInvalid(name) : OciErrors.ManifestUnknown(name);
            return RegistryTarget.Refused(error, kind, name);
        }

        return RegistryTarget.Valid(new RegistryRequest(kind, name, reference));
    }

    // The endpoint is named by the last two segments; a name may itself hold "manifests" or "blobs".
    private static RegistryRequestKind KindOf(string[] segments) => segments.Length < 3
        ? RegistryRequestKind.Unknown
        : (segments[^2], segments[^1]) switch
        {
            ("tags", "list") => RegistryRequestKind.Tags,
            ("manifests", _) => RegistryRequestKind.Manifest,
            ("blobs", _) => RegistryRequestKind.Blob,
            ("referrers", _) => RegistryRequestKind.Referrers,
            _ => RegistryRequestKind.Unknown,
        };
}
