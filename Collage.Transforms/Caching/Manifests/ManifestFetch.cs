namespace Collage.Transforms.Caching.Manifests;

/// <summary>What asking an upstream for a manifest (GET) or about one (HEAD) came to.</summary>
internal abstract record ManifestFetch
{
    /// <summary>A 200: the manifest's digest, media type and (for a GET) its verified bytes.</summary>
    public sealed record Found(string Hex, string MediaType, byte[]? Body) : ManifestFetch;

    /// <summary>An error status from the upstream, with the start of its body and its Retry-After.</summary>
    public sealed record Refused(int Status, byte[] Body, string? RetryAfter) : ManifestFetch
    {
        /// <summary>A failure of the upstream (5xx, 429), under which a cached tag is served stale; a 404 is an answer.</summary>
        public bool IsUpstreamFailure => CachePolicy.IsUpstreamFailure(Status);
    }

    /// <summary>No answer (refused, reset, silent past the activity timeout).</summary>
    public sealed record Unreachable(bool TimedOut) : ManifestFetch;

    /// <summary>The bytes did not match the digest asked for or announced: never stored, never served.</summary>
    public sealed record Mismatch : ManifestFetch;

    /// <summary>Larger than the cache keeps as a manifest: forwarded as without a cache.</summary>
    public sealed record TooLarge : ManifestFetch;

    /// <summary>
    /// A signed Docker schema 1 manifest: its digest is that of the payload without the signatures, which are signed anew
    /// on every answer (distribution 2.8 writes one for a client that accepts neither schema 2 nor OCI), so its bytes can
    /// be neither checked against the digest nor served again: forwarded as without a cache.
    /// </summary>
    public sealed record Unverifiable : ManifestFetch;

    /// <summary>Whether a cached tag may stand in for this answer (stale-if-error).</summary>
    public bool IsFailure => this is Unreachable or Refused { IsUpstreamFailure: true };
}
