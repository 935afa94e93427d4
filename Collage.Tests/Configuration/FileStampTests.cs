using System.Diagnostics;
using Collage.Transforms.Configuration;

namespace Collage.Tests.Configuration;

public sealed class FileStampTests
{
    [Fact]
    public async Task Of_SecretVolumeSwapsItsDataLink_StampChangesThoughTheLinkDoesNot()
    {
        var volume = Directory.CreateTempSubdirectory("collage-stamp-").FullName;
        try
        {
            // As a Kubernetes Secret volume mounts a key: file -> ..data/file, ..data -> ..<timestamp>.
            await WriteVersionAsync(volume, "..v1", "same-length-1");
            File.CreateSymbolicLink(Path.Combine(volume, "..data"), "..v1");
            var path = Path.Combine(volume, "secret");
            File.CreateSymbolicLink(path, Path.Combine("..data", "secret"));
            var before = FileStamp.Of(path);
            var link = new FileInfo(path);
            var linkBefore = (link.LastWriteTimeUtc, link.Length);

            // A new file of the same length, written later, as the volume's writer does on an update.
            await WriteVersionAsync(volume, "..v2", "same-length-2");
            File.SetLastWriteTimeUtc(Path.Combine(volume, "..v2", "secret"), File.GetLastWriteTimeUtc(Path.Combine(volume, "..v1", "secret")).AddSeconds(1));
            File.CreateSymbolicLink(Path.Combine(volume, "..data_tmp"), "..v2");
            using (var rename = Process.Start("mv", ["-T", Path.Combine(volume, "..data_tmp"), Path.Combine(volume, "..data")]))
            {
                await rename.WaitForExitAsync();
                rename.ExitCode.Should().Be(0);
            }

            link.Refresh();
            (link.LastWriteTimeUtc, link.Length).Should().Be(linkBefore, "FileInfo of the link describes the link, which the swap leaves alone");
            FileStamp.Of(path).Should().NotBe(before);
            FileStamp.Of(path).Length.Should().Be(before.Length);
        }
        finally
        {
            Directory.Delete(volume, recursive: true);
        }
    }

    [Fact]
    public void Of_MissingFile_StampedMissing()
    {
        var stamp = FileStamp.Of(Path.Combine(Path.GetTempPath(), $"collage-missing-{Guid.NewGuid():N}"));

        stamp.Length.Should().Be(-1);
        stamp.Written.Should().Be(DateTime.MinValue);
    }

    private static async Task WriteVersionAsync(string volume, string version, string content)
    {
        Directory.CreateDirectory(Path.Combine(volume, version));
        await File.WriteAllTextAsync(Path.Combine(volume, version, "secret"), content);
    }
}
