namespace Collage.Transforms.RateLimits;

/// <summary>
/// Shares <see cref="UpstreamBackoff"/> with other replicas (the fleet's Redis): told of every back-off entered here,
/// and asked, without waiting, whether the fleet holds one for an upstream this replica does not.
/// </summary>
internal interface IBackoffShare
{
    /// <summary>This replica entered a back-off of <paramref name="authority"/> until <paramref name="until"/>.</summary>
    void Entered(string authority, DateTimeOffset until);

    /// <summary>
    /// This replica holds no back-off of <paramref name="authority"/>; the share may look for the fleet's and enter it
    /// with <see cref="UpstreamBackoff.EnterShared"/>, later (the request at hand goes on).
    /// </summary>
    void Missed(string authority);
}
