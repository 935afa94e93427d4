using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Collage.Transforms.Authentication;

/// <summary>
/// Bearer tokens per (realm, service, scope) until they expire, and the realm each upstream named.
/// One fetch at a time per key: concurrent callers share the one in flight. A failed fetch answers
/// every caller of its key for <see cref="UpstreamAuthenticationOptions.FailedFetchBackoff"/>, then the
/// next caller tries again. Shared by every upstream handler, so register it once.
/// </summary>
internal sealed class TokenCache
{
    private readonly ConcurrentDictionary<TokenCacheKey, Task<CachedToken>> _tokens = new();
    private readonly ConcurrentDictionary<string, BearerRealm> _realms = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _trimLock = new();

    // When each failed fetch stops standing as the answer for its key; gone with the entry.
    private readonly ConditionalWeakTable<Task<CachedToken>, StrongBox<DateTimeOffset>> _failedUntil = new();

    public TokenCache(TimeProvider timeProvider, UpstreamAuthenticationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        options ??= new UpstreamAuthenticationOptions();
        options.Validate();
        TimeProvider = timeProvider;
        Options = options;
    }

    public TimeProvider TimeProvider { get; }

    public UpstreamAuthenticationOptions Options { get; }

    /// <summary>How many tokens are held, fetches in flight included.</summary>
    public int Count => _tokens.Count;

    /// <summary>Returns the token for <paramref name="key"/> if one is cached and still fresh.</summary>
    public bool TryGetToken(TokenCacheKey key, [NotNullWhen(true)] out string? token)
    {
        if (_tokens.TryGetValue(key, out var task)
            && task.IsCompletedSuccessfully
            && !IsExpired(task.Result))
        {
            token = task.Result.Token;
            return true;
        }

        token = null;
        return false;
    }

    /// <summary>
    /// Returns a fresh cached token for <paramref name="key"/>, or fetches one with
    /// <paramref name="fetch"/>, unless a fetch for the key is already in flight, whose outcome is
    /// then shared. The fetch is bound to <see cref="UpstreamAuthenticationOptions.TokenRequestTimeout"/>
    /// and not to any one caller, so a caller that gives up (<paramref name="cancellationToken"/>)
    /// does not fail the others waiting for it.
    /// </summary>
    /// <exception cref="TimeoutException">The fetch took longer than the timeout.</exception>
    public async Task<string> GetTokenAsync(
        TokenCacheKey key,
        Func<CancellationToken, Task<TokenResponse>> fetch,
        CancellationToken cancellationToken) =>
        (await GetTokenWithExpiryAsync(key, fetch, cancellationToken).ConfigureAwait(false)).Token;

    /// <summary>
    /// As <see cref="GetTokenAsync"/>, and also when the cache stops using the token (its expiry less the margin),
    /// for callers that hand the token on and must say how long it lives.
    /// </summary>
    public async Task<(string Token, DateTimeOffset RefreshAt)> GetTokenWithExpiryAsync(
        TokenCacheKey key,
        Func<CancellationToken, Task<TokenResponse>> fetch,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fetch);

        while (true)
        {
            if (_tokens.TryGetValue(key, out var existing))
            {
                if (existing.IsFaulted && _failedUntil.TryGetValue(existing, out var until) && TimeProvider.GetUtcNow() < until.Value)
                {
                    // Failed within the back-off: the same answer, without asking the token server again.
                    ExceptionDispatchInfo.Throw(existing.Exception!.InnerException!);
                }

                if (!existing.IsCompleted)
                {
                    var shared = await existing.WaitAsync(cancellationToken).ConfigureAwait(false);
                    return (shared.Token, shared.RefreshAt);
                }

                if (existing.IsCompletedSuccessfully && !IsExpired(existing.Result))
                {
                    return (existing.Result.Token, existing.Result.RefreshAt);
                }

                // Expired: drop it, unless another caller already replaced it.
                _tokens.TryRemove(KeyValuePair.Create(key, existing));
                continue;
            }

            var pending = new TaskCompletionSource<CachedToken>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_tokens.TryAdd(key, pending.Task))
            {
                continue;
            }

            Trim();
            _ = FetchAsync(key, pending, fetch);
            var fetched = await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return (fetched.Token, fetched.RefreshAt);
        }
    }

    /// <summary>
    /// Forgets <paramref name="token"/> for <paramref name="key"/> after an upstream rejected it;
    /// a newer token that another caller fetched meanwhile is kept.
    /// </summary>
    public void Invalidate(TokenCacheKey key, string token)
    {
        if (_tokens.TryGetValue(key, out var task)
            && task.IsCompletedSuccessfully
            && string.Equals(task.Result.Token, token, StringComparison.Ordinal))
        {
            _tokens.TryRemove(KeyValuePair.Create(key, task));
        }
    }

    /// <summary>Remembers which realm an upstream origin (scheme://host:port) challenged with.</summary>
    public void RememberRealm(string origin, BearerRealm realm)
    {
        ArgumentException.ThrowIfNullOrEmpty(origin);
        ArgumentNullException.ThrowIfNull(realm);

        if (_realms.Count >= Options.MaxCachedTokens && !_realms.ContainsKey(origin))
        {
            // Far more upstreams than any configuration has: something is off, start afresh
            // rather than grow without bound.
            _realms.Clear();
        }

        _realms[origin] = realm;
    }

    public bool TryGetRealm(string origin, [NotNullWhen(true)] out BearerRealm? realm) =>
        _realms.TryGetValue(origin, out realm);

    private async Task FetchAsync(
        TokenCacheKey key,
        TaskCompletionSource<CachedToken> pending,
        Func<CancellationToken, Task<TokenResponse>> fetch)
    {
        // Measured from before the request: the token cannot have been issued earlier than that
        // by our clock, whatever the token server's clock says.
        var requestedAt = TimeProvider.GetUtcNow();
        try
        {
            TokenResponse response;
            using (var timeout = new CancellationTokenSource(Options.TokenRequestTimeout, TimeProvider))
            {
                try
                {
                    response = await fetch(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
                {
                    throw new TimeoutException($"The token request took longer than {Options.TokenRequestTimeout}.", ex);
                }
            }

            pending.SetResult(new CachedToken(response.Token, RefreshAt(response, requestedAt)));
        }
        catch (Exception ex)
        {
            if (Options.FailedFetchBackoff > TimeSpan.Zero)
            {
                // Kept for the back-off, so retrying clients do not become a storm of token requests.
                _failedUntil.AddOrUpdate(pending.Task, new StrongBox<DateTimeOffset>(TimeProvider.GetUtcNow() + Options.FailedFetchBackoff));
            }
            else
            {
                _tokens.TryRemove(KeyValuePair.Create(key, pending.Task));
            }

            pending.SetException(ex);

            // Observed here, since every waiter may have given up already.
            _ = pending.Task.Exception;
        }
    }

    private DateTimeOffset RefreshAt(TokenResponse response, DateTimeOffset requestedAt)
    {
        // Distribution token spec: expires_in "when omitted, this defaults to 60 seconds".
        var lifetime = response.ExpiresIn is > 0 and var seconds
            ? TimeSpan.FromSeconds(seconds)
            : Options.DefaultTokenLifetime;

        var expiresAt = requestedAt + lifetime;

        // A token server may hand out a token it issued earlier (issued_at is RFC 3339 in the spec);
        // then it expires earlier too. Believed only when that is still in the future, so that a
        // token server whose clock lags ours does not make every token look expired on arrival.
        if (response.IssuedAt is { } issuedAt)
        {
            var serverExpiresAt = issuedAt + lifetime;
            if (serverExpiresAt < expiresAt && serverExpiresAt > TimeProvider.GetUtcNow())
            {
                lifetime -= expiresAt - serverExpiresAt;
                expiresAt = serverExpiresAt;
            }
        }

        // Stop using it a little early, so it does not expire on its way upstream; but not so
        // early that a short-lived token is never used at all.
        var margin = Options.ExpiryMargin < lifetime / 2 ? Options.ExpiryMargin : lifetime / 2;
        return expiresAt - margin;
    }

    private bool IsExpired(CachedToken token) => TimeProvider.GetUtcNow() >= token.RefreshAt;

    private void Trim()
    {
        if (_tokens.Count <= Options.MaxCachedTokens)
        {
            return;
        }

        lock (_trimLock)
        {
            // Expired and failed ones go first, then those that expire soonest. Fetches in flight
            // stay: their callers are waiting for them.
            foreach (var (key, task) in _tokens)
            {
                if (task.IsCompleted && (!task.IsCompletedSuccessfully || IsExpired(task.Result)))
                {
                    _tokens.TryRemove(KeyValuePair.Create(key, task));
                }
            }

            var excess = _tokens.Count - Options.MaxCachedTokens;
            if (excess <= 0)
            {
                return;
            }

            var soonest = _tokens
                .Where(e => e.Value.IsCompletedSuccessfully)
                .OrderBy(e => e.Value.Result.RefreshAt)
                .Take(excess)
                .ToList();
            foreach (var entry in soonest)
            {
                _tokens.TryRemove(entry);
            }
        }
    }

    private sealed record CachedToken(string Token, DateTimeOffset RefreshAt)
    {
        public override string ToString() => $"CachedToken {{ RefreshAt = {RefreshAt} }}";
    }
}
