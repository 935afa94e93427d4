namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>An image the <see cref="RealRegistriesFixture"/> pushed to both registries.</summary>
/// <param name="Repository">The repository name, e.g. <c>team/sub/tool</c>.</param>
/// <param name="Tag">The tag.</param>
/// <param name="Digest">The manifest (or index) digest, identical on both registries.</param>
/// <param name="LayoutTag">The tag in the OCI layout it was copied from.</param>
/// <param name="IsIndex">Whether it is a multi-platform index (copied with <c>--all</c>).</param>
internal sealed record SeededImage(string Repository, string Tag, string Digest, string LayoutTag, bool IsIndex);
