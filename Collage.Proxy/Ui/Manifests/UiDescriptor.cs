namespace Collage.Proxy.Ui.Manifests;

/// <summary>An OCI content descriptor as the page shows it (image-spec, descriptor.md).</summary>
/// <param name="MediaType">The media type.</param>
/// <param name="Digest">The digest.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="Platform">For an index entry, <c>os/architecture[/variant]</c>; else null.</param>
/// <param name="ArtifactType">The artifact type, when set (referrers).</param>
internal sealed record UiDescriptor(string MediaType, string Digest, long Size, string? Platform, string? ArtifactType);
