namespace Collage.Transforms.Configuration;

/// <summary>Who authenticates to an upstream registry.</summary>
public enum UpstreamAuthMode
{
    /// <summary>
    /// Collage does, anonymously or with the credentials configured for the upstream; clients pull from Collage
    /// without credentials and never see the upstream's challenge. The default.
    /// </summary>
    Gateway,

    /// <summary>
    /// Each client does: the upstream's 401 reaches the client with its realm rewritten to Collage's token endpoint
    /// and its scope in local names, and the client's token is forwarded to this upstream only.
    /// </summary>
    Passthrough,
}
