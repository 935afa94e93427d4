using System.Collections.Concurrent;
using Collage.Transforms.Credentials;

namespace Collage.Transforms.Passthrough;

/// <summary>
/// Pass-through behind access control: the upstream tokens relayed for each token Collage issued. When a client logs in
/// at Collage's token endpoint for a repository of a pass-through mount, Collage checks the login and its policy, then
/// relays the same credentials to that upstream's token server; the upstream's token is kept here under Collage's
/// token (by keyed hash), and a request bearing Collage's token reaches that upstream with the upstream's own token.
/// Collage's token itself never leaves Collage.
/// </summary>
internal sealed class RelayedTokens(TimeProvider time, int maxEntries = 4096)
{
    private readonly ConcurrentDictionary<string, Entry> _tokens = new(StringComparer.Ordinal);

    /// <summary>Keeps <paramref name="upstreamToken"/> for <paramref name="upstreamIds"/> under <paramref name="collageToken"/> until <paramref name="until"/>.</summary>
    public void Add(string collageToken, IEnumerable<string> upstreamIds, string upstreamToken, DateTimeOffset until)
    {
        var now = time.GetUtcNow();
        if (_tokens.Count >= maxEntries)
        {
            foreach (var (key, entry) in _tokens)
            {
                if (entry.Until <= now)
                {
                    _tokens.TryRemove(key, out _);
                }
            }

            if (_tokens.Count >= maxEntries)
            {
                // Full of live tokens: their clients get the upstream's 401 as Collage's challenge and log in again.
                _tokens.Clear();
            }
        }

        _tokens[UpstreamCredential.Compute(collageToken)] = new Entry(upstreamIds.ToHashSet(StringComparer.Ordinal), upstreamToken, until);
    }

    /// <summary>The upstream token relayed under <paramref name="collageToken"/> for <paramref name="upstreamId"/>, while it holds.</summary>
    public bool TryGet(string collageToken, string upstreamId, out string upstreamToken)
    {
        upstreamToken = string.Empty;
        if (_tokens.IsEmpty
            || !_tokens.TryGetValue(UpstreamCredential.Compute(collageToken), out var entry)
            || entry.Until <= time.GetUtcNow()
            || !entry.UpstreamIds.Contains(upstreamId))
        {
            return false;
        }

        upstreamToken = entry.UpstreamToken;
        return true;
    }

    private sealed record Entry(HashSet<string> UpstreamIds, string UpstreamToken, DateTimeOffset Until);
}
