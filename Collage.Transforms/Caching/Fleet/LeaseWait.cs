namespace Collage.Transforms.Caching.Fleet;

/// <summary>How waiting on another replica's fetch ended (<see cref="IFleetCoordinator.WaitAsync"/>).</summary>
internal enum LeaseWait
{
    /// <summary>The blob was announced stored: read it from the shared store.</summary>
    Stored,

    /// <summary>The lease was released or expired without the blob being stored: try to take it.</summary>
    Released,

    /// <summary>Neither happened in time.</summary>
    TimedOut,
}
