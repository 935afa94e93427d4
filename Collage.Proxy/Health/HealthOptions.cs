namespace Collage.Proxy.Health;

/// <summary>
/// What <c>/readyz</c> checks beyond a loaded config. Configured under <c>Collage:Health</c> (or <c>health</c>
/// in a config file in the original format).
/// </summary>
public sealed record HealthOptions
{
    /// <summary>The configuration section these options come from.</summary>
    public const string SectionName = "Collage:Health";

    /// <summary>
    /// Probe every upstream's <c>/v2/</c> in the background and report unready while any of them does not
    /// answer (a 5xx, a refused connection or a timeout). Default false: one upstream's outage then does not take
    /// every replica out of a load balancer.
    /// </summary>
    public bool ProbeUpstreams { get; init; }

    /// <summary>Time between probe rounds; <c>/readyz</c> answers from the last round's results. Default 30 s.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one probe may take before the upstream counts as down. Default 5 s.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
