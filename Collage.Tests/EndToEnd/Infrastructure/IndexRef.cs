namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>A multi-platform image index written by <see cref="OciImageLayout"/>.</summary>
/// <param name="Tag">The tag in the layout's index.json.</param>
/// <param name="Digest">The digest of the index bytes.</param>
/// <param name="IndexBytes">The exact index bytes.</param>
/// <param name="Images">The platform images it lists, in order.</param>
internal sealed record IndexRef(string Tag, string Digest, byte[] IndexBytes, IReadOnlyList<ImageRef> Images);
