namespace Collage.Transforms.Caching;

/// <summary>How the pull-through cache answered a request; the access log and <c>X-Cache</c> say it.</summary>
public enum CacheOutcome
{
    /// <summary>From the cache, without asking the upstream (or after a revalidation that found it unchanged).</summary>
    Hit,

    /// <summary>Fetched from the upstream and stored; this client read it as it arrived.</summary>
    Miss,

    /// <summary>Joined a fetch another request started: one upstream fetch served both.</summary>
    Coalesced,

    /// <summary>A cached tag answer past its TTL, served because the upstream failed (stale-if-error).</summary>
    Stale,
}
