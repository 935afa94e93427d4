namespace Collage.Tests.EndToEnd.Ui;

/// <summary>One platform of an index as the registry serves it.</summary>
/// <param name="Platform"><c>os/architecture</c>, e.g. <c>linux/amd64</c>.</param>
/// <param name="Digest">The platform manifest's digest.</param>
/// <param name="Size">Its config's size plus its layers' sizes.</param>
internal sealed record UpstreamPlatform(string Platform, string Digest, long Size);
