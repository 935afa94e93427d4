using System.Collections.Concurrent;
using Collage.Transforms.Credentials;

namespace Collage.Transforms.Passthrough;

/// <summary>
/// Which upstreams each token handed out by Collage's token endpoint is for. A client's Bearer token is
/// forwarded to an upstream only when it was issued for that upstream, so a token for one upstream never
/// reaches another, whatever the client sends. Tokens are known by a keyed hash only, and forgotten when
/// they expire.
/// </summary>
internal sealed class IssuedTokens(TimeProvider timeProvider, int maxEntries = 4096)
{
    /// <summary>Registry token servers accept tokens up to a minute past their expiry (distribution's leeway).</summary>
    private static readonly TimeSpan Leeway = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, Entry> _tokens = new(StringComparer.Ordinal);

    public int Count => _tokens.Count;

    /// <summary>Records that <paramref name="token"/> was issued for <paramref name="upstreamIds"/>.</summary>
    public void Add(string token, IEnumerable<string> upstreamIds, TimeSpan lifetime)
    {
        var now = timeProvider.GetUtcNow();
        if (_tokens.Count >= maxEntries)
        {
            Trim(now);
        }

        var ids = upstreamIds.ToHashSet(StringComparer.Ordinal);
        _tokens.AddOrUpdate(
            UpstreamCredential.Compute(token),
            _ => new Entry(ids, now + lifetime + Leeway),
            (_, existing) => new Entry([.. existing.UpstreamIds, .. ids], now + lifetime + Leeway));
    }

    /// <summary>Whether <paramref name="token"/> was issued, and is still valid, for the upstream <paramref name="upstreamId"/>.</summary>
    public bool IsIssuedFor(string token, string upstreamId) =>
        _tokens.TryGetValue(UpstreamCredential.Compute(token), out var entry)
        && entry.ExpiresAt > timeProvider.GetUtcNow()
        && entry.UpstreamIds.Contains(upstreamId);

    private void Trim(DateTimeOffset now)
    {
        foreach (var (key, entry) in _tokens)
        {
            if (entry.ExpiresAt <= now)
            {
                _tokens.TryRemove(key, out _);
            }
        }

        // Still full of live tokens: drop the oldest half rather than grow without bound; their clients
        // get a 401 and fetch a new token.
        if (_tokens.Count >= maxEntries)
        {
            foreach (var (key, _) in _tokens.OrderBy(e => e.Value.ExpiresAt).Take(_tokens.Count / 2).ToList())
            {
                _tokens.TryRemove(key, out _);
            }
        }
    }

    private sealed record Entry(HashSet<string> UpstreamIds, DateTimeOffset ExpiresAt);
}
