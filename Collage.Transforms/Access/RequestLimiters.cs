using System.Threading.RateLimiting;

namespace Collage.Transforms.Access;

/// <summary>
/// The request limits of one policy: <c>requestsPerUser</c> per user who logged in and <c>requestsPerAddress</c> per
/// client address, each per <c>requestWindow</c> (ASP.NET Core's fixed-window limiters, one partition per key).
/// </summary>
internal sealed class RequestLimiters(int perUser, int perAddress, TimeSpan window) : IDisposable
{
    private const string UserPrefix = "user:";

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, k => new FixedWindowRateLimiterOptions
    {
        PermitLimit = k.StartsWith(UserPrefix, StringComparison.Ordinal) ? perUser : perAddress,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    }));

    /// <summary>Whether no limit is set.</summary>
    public bool None => perUser == 0 && perAddress == 0;

    /// <summary>Whether one more request of <paramref name="identity"/> from <paramref name="address"/> is within the limits.</summary>
    public bool Admit(AccessIdentity identity, string address)
    {
        if (perAddress > 0)
        {
            using var byAddress = _limiter.AttemptAcquire("address:" + address);
            if (!byAddress.IsAcquired)
            {
                return false;
            }
        }

        if (perUser > 0 && identity.User is { } user)
        {
            using var byUser = _limiter.AttemptAcquire(UserPrefix + user);
            return byUser.IsAcquired;
        }

        return true;
    }

    /// <summary>Whether these are the limiters of <paramref name="policy"/>'s limits.</summary>
    public bool Fit(AccessPolicy policy) =>
        policy.Options.RequestsPerUser == perUser && policy.Options.RequestsPerAddress == perAddress && policy.Options.RequestWindow == window;

    public void Dispose() => _limiter.Dispose();
}
