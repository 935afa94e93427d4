using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Access;

/// <summary>
/// Checks a client's HTTP Basic credentials (RFC 7617) against the htpasswd users, or, when the password is a JWT and
/// an OIDC issuer is configured, against that issuer's keys (<see cref="OidcTokens"/>). A bcrypt check costs milliseconds by
/// design, and clients send Basic on every request, so a verified login is remembered for a minute under a keyed hash
/// of the credentials (never the password itself), until the file changes. Failed logins are throttled per client
/// address and per user name with ASP.NET Core's rate limiters: past the limit a login is refused without a bcrypt
/// check, so guessing is slow and cannot spend the CPU; checks in flight are limited the same way, so a burst of guesses
/// sent at once gets no more than guesses sent one by one.
/// </summary>
internal sealed class ClientLogin(TimeProvider time, ILoggerFactory loggers) : IDisposable
{
    // An OIDC token as the password: identity providers that list many groups write tokens of several KiB.
    private const int MaxBasicLength = 16 * 1024;

    private static readonly TimeSpan Remembered = TimeSpan.FromMinutes(1);
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    private readonly ConcurrentDictionary<string, HtpasswdUsers> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Configuration.AccessOidcOptions, OidcTokens> _issuers = new();
    private readonly ConcurrentDictionary<string, (AccessIdentity Identity, int Version, long Until)> _verified = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<(LoginOutcome, AccessIdentity)>>> _inFlight = new(StringComparer.Ordinal);
    // Failed logins per window, and bcrypt checks in flight, both per address and per user name; new ones when a reload
    // changes the limits.
    private readonly SwappedLimiters<LoginLimiters> _limiters = new(
        time, policy => new LoginLimiters(policy.Options.LoginAttempts, policy.Options.LoginWindow), (limiters, policy) => limiters.Fit(policy));

    /// <summary>
    /// Who <paramref name="context"/>'s Basic credentials name, under <paramref name="policy"/>; no Authorization is
    /// anonymous, anything but Basic is refused (the gate reads Bearer tokens itself).
    /// </summary>
    public ValueTask<(LoginOutcome Outcome, AccessIdentity Identity)> LoginAsync(HttpContext context, AccessPolicy policy, string address)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return ValueTask.FromResult((LoginOutcome.Anonymous, AccessIdentity.Anonymous));
        }

        return TryReadBasic(header, out var user, out var password)
            ? CheckAsync(address, user, password, policy)
            : ValueTask.FromResult((LoginOutcome.Refused, AccessIdentity.Anonymous));
    }

    /// <summary>
    /// Whether <paramref name="user"/> and <paramref name="password"/> (from a Basic header or a token request) log in
    /// from <paramref name="address"/>: an htpasswd user's password, or a token of the configured OIDC issuer.
    /// </summary>
    public async ValueTask<(LoginOutcome Outcome, AccessIdentity Identity)> CheckAsync(string address, string user, string password, AccessPolicy policy)
    {
        if (user.Length == 0 && password.Length == 0)
        {
            // "Basic Og==", an empty user and password: what containers/image sends after a Basic challenge when it
            // has no credentials. No one logs in with it (no htpasswd user has an empty name), so it is anonymous.
            return (LoginOutcome.Anonymous, AccessIdentity.Anonymous);
        }

        var path = policy.Options.Htpasswd;
        var users = path is null ? null : _files.GetOrAdd(path, p => new HtpasswdUsers(p, time, loggers.CreateLogger("Collage.Access")));
        var key = Convert.ToBase64String(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes($"{path}\n{user}\n{password}")));
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();

        // Any login makes Collage look at the file again (at most once a second), a throttled one too.
        users?.Refresh();
        var version = users?.Version ?? 0;

        // Throttled before the remembered logins are looked at: were the remembered logins (an HMAC lookup, no
        // bcrypt) looked up first, a guesser held back by the throttle could still try passwords against them at full
        // speed while the user is active, and the right one would stand out with a 200 among the 429s.
        var limiters = _limiters.For(policy);
        var byAddress = $"address:{address}";
        var byName = $"user:{user}";
        if (limiters.Failures.GetStatistics(byAddress)?.CurrentAvailablePermits == 0 || limiters.Failures.GetStatistics(byName)?.CurrentAvailablePermits == 0)
        {
            return (LoginOutcome.Throttled, AccessIdentity.Anonymous);
        }

        // A remembered login holds only while the file it was checked against is the one in force.
        if (_verified.TryGetValue(key, out var known) && known.Until > now && known.Version == version)
        {
            return (LoginOutcome.User, known.Identity);
        }

        // Requests with the same credentials at once (a client pulling layers in parallel with Basic on each, a fleet
        // sharing a robot login once its remembered login ended) share one check: one guess, one bcrypt. Each checked
        // separately, they passed the limit on checks in flight and right logins got 429 (bench/access).
        var flight = new Lazy<Task<(LoginOutcome, AccessIdentity)>>(() => CheckOnceAsync(key, version, now, users, user, password, policy, limiters, byAddress, byName));
        var current = _inFlight.GetOrAdd(key, flight);
        try
        {
            return await current.Value.ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(KeyValuePair.Create(key, current));
        }
    }

    // One check of credentials nobody is checking now; its outcome goes to every request that waits for it.
    private async Task<(LoginOutcome, AccessIdentity)> CheckOnceAsync(
        string key, int version, long now, HtpasswdUsers? users, string user, string password, AccessPolicy policy, LoginLimiters limiters, string byAddress, string byName)
    {
        // A failure is counted only once its check is over, so a burst sent at once would all pass the test above:
        // checks in flight are bounded too (per address and per name), so a window allows at most twice the attempts.
        using var addressCheck = limiters.Checks.AttemptAcquire(byAddress);
        using var nameCheck = limiters.Checks.AttemptAcquire(byName);
        if (!addressCheck.IsAcquired || !nameCheck.IsAcquired)
        {
            return (LoginOutcome.Throttled, AccessIdentity.Anonymous);
        }

        var identity = await VerifyAsync(users, user, password, policy).ConfigureAwait(false);
        if (identity is null)
        {
            limiters.Failures.AttemptAcquire(byAddress).Dispose();
            limiters.Failures.AttemptAcquire(byName).Dispose();
            return (LoginOutcome.Refused, AccessIdentity.Anonymous);
        }

        var until = now + (long)Remembered.TotalMilliseconds;
        if (identity.Until is { } expires)
        {
            until = Math.Min(until, expires.ToUnixTimeMilliseconds());
        }

        _verified[key] = (identity, version, until);
        return (LoginOutcome.User, identity);
    }

    /// <summary>Whether <paramref name="user"/> is still in the htpasswd file of <paramref name="policy"/> (a refresh asks).</summary>
    public bool StillListed(string user, AccessPolicy policy) =>
        policy.Options.Htpasswd is { } path && _files.GetOrAdd(path, p => new HtpasswdUsers(p, time, loggers.CreateLogger("Collage.Access"))).Contains(user);

    /// <summary>How long a throttled client should wait, for <c>Retry-After</c>.</summary>
    public static int RetryAfterSeconds(AccessPolicy policy) => Math.Max(1, (int)Math.Ceiling(policy.Options.LoginWindow.TotalSeconds));

    public void Dispose()
    {
        _limiters.Dispose();
        foreach (var issuer in _issuers.Values)
        {
            issuer.Dispose();
        }
    }

    // The password is a token of the OIDC issuer when one is configured and it looks like a JWT; else an htpasswd one.
    private async ValueTask<AccessIdentity?> VerifyAsync(HtpasswdUsers? users, string user, string password, AccessPolicy policy)
    {
        if (policy.Options.Oidc is { } oidc && OidcTokens.LooksLikeJwt(password))
        {
            var issuer = _issuers.GetOrAdd(oidc, o => new OidcTokens(o, time, loggers.CreateLogger("Collage.Access")));
            if (await issuer.ValidateAsync(password, CancellationToken.None).ConfigureAwait(false) is not { } login)
            {
                return null;
            }

            // The token names the user (the login's user name is whatever the client was told to type); the policy adds
            // the groups the config gives that name.
            var identity = policy.IdentityOf(login.User);
            return identity with
            {
                Groups = identity.Groups.Union(login.Groups).ToHashSet(StringComparer.Ordinal),
                FromOidc = true,
                Until = login.ExpiresAt,
            };
        }

        // bcrypt is CPU for milliseconds by design (about 60 ms at cost 10 here), and with inline scheduling (the
        // default) this request runs on its socket engine's thread, which serves every other connection of that engine:
        // the check runs on the thread pool, so a login does not hold up other clients' requests (bench/access measured
        // 0.4 s stalls).
        return users is not null && await Task.Run(() => users.Verify(user, password)).ConfigureAwait(false) ? policy.IdentityOf(user) : null;
    }

    private static bool TryReadBasic(string header, out string user, out string password)
    {
        user = password = string.Empty;
        return AuthenticationHeaderValue.TryParse(header, out var value)
            && string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            && value.Parameter is { } encoded
            && TryDecodeBasic(encoded, out user, out password);
    }

    /// <summary>
    /// The user and password of a Basic credentials parameter (base64 of <c>user:password</c>, RFC 7617 section 2),
    /// split at the first colon; false when it is not one (or names a password without a user).
    /// </summary>
    public static bool TryDecodeBasic(string encoded, out string user, out string password)
    {
        user = password = string.Empty;
        if (encoded is not { Length: > 0 and <= MaxBasicLength })
        {
            return false;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = text.IndexOf(':');
            if (colon < 0 || (colon == 0 && text.Length > 1))
            {
                return false;
            }

            (user, password) = (text[..colon], text[(colon + 1)..]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
