using System.Threading.RateLimiting;

namespace Collage.Transforms.Access;

/// <summary>
/// The limiters of one login policy, per address and per user name: failed logins per window, and bcrypt checks in
/// flight. Swapped whole when a reload changes the limits, so a request never reads half of an old pair.
/// </summary>
internal sealed class LoginLimiters(int attempts, TimeSpan window) : IDisposable
{
    /// <summary>Failed logins, <c>loginAttempts</c> per <c>loginWindow</c>.</summary>
    public PartitionedRateLimiter<string> Failures { get; } = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
    {
        PermitLimit = attempts,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    }));

    /// <summary>bcrypt checks in flight, at most <c>loginAttempts</c> at once.</summary>
    public PartitionedRateLimiter<string> Checks { get; } = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetConcurrencyLimiter(key, _ => new ConcurrencyLimiterOptions
    {
        PermitLimit = attempts,
        QueueLimit = 0,
    }));

    /// <summary>Whether these are the limiters of <paramref name="policy"/>'s limits.</summary>
    public bool Fit(AccessPolicy policy) => policy.Options.LoginAttempts == attempts && policy.Options.LoginWindow == window;

    public void Dispose()
    {
        Failures.Dispose();
        Checks.Dispose();
    }
}
