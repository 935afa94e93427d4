namespace Collage.Transforms.Configuration;

/// <summary>
/// The Redis a fleet of replicas coordinates through (<c>cache.redis</c>): fetch leases, tag answers, back-offs and
/// the list of what the shared store holds. Absent: each replica coordinates only itself. One Redis (a primary, with
/// replicas or Sentinel if wanted), not a Redis Cluster: the coordinator's scripts touch several keys at once.
/// </summary>
public sealed record RedisOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string (<c>"host:6379,ssl=true"</c>). Either this or
    /// <see cref="ConfigurationFile"/>.
    /// </summary>
    public string? Configuration { get; init; }

    /// <summary>A file holding the configuration string, for one with a password (a Kubernetes Secret). Never logged.</summary>
    public string? ConfigurationFile { get; init; }

    /// <summary>The prefix of every key and channel, so fleets can share one Redis. Default <c>collage:</c>.</summary>
    public string KeyPrefix { get; init; } = "collage:";

    /// <summary>
    /// How long a fetch lease lasts without renewal; the holder renews it every third of this, and a holder that died
    /// hands the fetch to another replica after at most this long. Default 15 s.
    /// </summary>
    public TimeSpan LeaseTime { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// What a replica does while another fetches a blob it needs: <see cref="FleetFollowers.Stream"/> from the holder's
    /// fetch (needs <see cref="AdvertiseUrl"/> on every replica) or <see cref="FleetFollowers.Wait"/> for the shared
    /// store's copy. Default <see cref="FleetFollowers.Stream"/>.
    /// </summary>
    public FleetFollowers Followers { get; init; } = FleetFollowers.Stream;

    /// <summary>
    /// The URL other replicas reach this one at (in Kubernetes the pod's IP, <c>http://$(POD_IP):8080</c>), put on the
    /// fetch leases it takes so followers can stream from it. Null: followers wait for the shared store. Default null.
    /// </summary>
    public Uri? AdvertiseUrl { get; init; }

    /// <summary>How long one Redis operation may take before it counts as a failure. Default 1 s.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(1);

    // A record prints every property; the configuration string may hold a password, so it is never printed.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Configuration = ").Append(Configuration is null ? "null" : "(set)")
            .Append(", ConfigurationFile = ").Append(ConfigurationFile)
            .Append(", KeyPrefix = ").Append(KeyPrefix)
            .Append(", LeaseTime = ").Append(LeaseTime)
            .Append(", Followers = ").Append(Followers)
            .Append(", AdvertiseUrl = ").Append(AdvertiseUrl)
            .Append(", OperationTimeout = ").Append(OperationTimeout);
        return true;
    }
}
