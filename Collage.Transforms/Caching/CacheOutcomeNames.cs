namespace Collage.Transforms.Caching;

/// <summary>
/// How a <see cref="CacheOutcome"/> is spelled outside: lower case in the access log and the metrics, upper case in
/// <c>X-Cache</c>. Constant strings, so no answer formats an enum.
/// </summary>
internal static class CacheOutcomeNames
{
    /// <summary>hit, miss, coalesced, stale.</summary>
    public static string Lower(CacheOutcome outcome) => outcome switch
    {
        CacheOutcome.Hit => "hit",
        CacheOutcome.Miss => "miss",
        CacheOutcome.Coalesced => "coalesced",
        _ => "stale",
    };

    /// <summary>HIT, MISS, COALESCED, STALE.</summary>
    public static string Header(CacheOutcome outcome) => outcome switch
    {
        CacheOutcome.Hit => "HIT",
        CacheOutcome.Miss => "MISS",
        CacheOutcome.Coalesced => "COALESCED",
        _ => "STALE",
    };
}
