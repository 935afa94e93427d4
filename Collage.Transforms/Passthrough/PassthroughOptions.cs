using System.Net;

namespace Collage.Transforms.Passthrough;

/// <summary>How Collage names itself to pass-through clients.</summary>
internal sealed record PassthroughOptions
{
    /// <summary>The configured public URL (no trailing slash), or null to take it from each request.</summary>
    public string? PublicUrl { get; init; }

    /// <summary>Addresses whose <c>X-Forwarded-Proto</c>/<c>X-Forwarded-Host</c> are believed. Default none.</summary>
    public IReadOnlyList<IPAddress> TrustedProxies { get; init; } = [];
}
