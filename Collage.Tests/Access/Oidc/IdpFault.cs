namespace Collage.Tests.Access.Oidc;

/// <summary>How a <see cref="TestIdentityProvider"/> answers every request.</summary>
internal enum IdpFault
{
    /// <summary>The discovery document and the JWKS, as an issuer serves them.</summary>
    None,

    /// <summary>503 Service Unavailable.</summary>
    Unavailable,

    /// <summary>200 with an HTML page instead of JSON.</summary>
    Garbage,

    /// <summary>No answer at all until the client gives up or the provider is disposed.</summary>
    Hang,
}
