using System.Formats.Tar;
using System.IO.Compression;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>Builds a real gzip'ed tar layer holding one file of pseudo-random (incompressible) bytes.</summary>
internal static class LayerBlob
{
    private static readonly DateTimeOffset FixedTime = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Returns the gzip'ed tar and the digest of the uncompressed tar. The same <paramref name="seed"/> and
    /// <paramref name="contentSize"/> give the same bytes (fixed mtimes, owners, modes).
    /// </summary>
    public static (byte[] Compressed, string DiffId) Create(int contentSize, int seed, string fileName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(contentSize);
        var content = new byte[contentSize];
        new Random(seed).NextBytes(content);

        using var tar = new MemoryStream(contentSize + 2048);
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            var directory = new UstarTarEntry(TarEntryType.Directory, "data/")
            {
                ModificationTime = FixedTime,
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            };
            writer.WriteEntry(directory);
            var file = new UstarTarEntry(TarEntryType.RegularFile, "data/" + fileName)
            {
                ModificationTime = FixedTime,
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                DataStream = new MemoryStream(content, writable: false),
            };
            writer.WriteEntry(file);
        }

        var diffId = Sha256Digest.Of(tar.GetBuffer().AsSpan(0, (int)tar.Length));

        using var gzip = new MemoryStream(contentSize + 4096);
        using (var compressor = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
        {
            compressor.Write(tar.GetBuffer(), 0, (int)tar.Length);
        }

        return (gzip.ToArray(), diffId);
    }
}
