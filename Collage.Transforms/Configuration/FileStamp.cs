namespace Collage.Transforms.Configuration;

/// <summary>
/// What a watched file is now, to tell whether it changed: its final target (after every symbolic link), that
/// target's time and length. <see cref="FileInfo"/> of a symbolic link describes the link itself, which never changes
/// when a Kubernetes Secret or ConfigMap volume swaps its <c>..data</c> link to a new folder: the final target does.
/// </summary>
/// <param name="Target">The final target's full path.</param>
/// <param name="Written">Its last write time (UTC); <see cref="DateTime.MinValue"/> when it does not exist.</param>
/// <param name="Length">Its length; -1 when it does not exist.</param>
internal readonly record struct FileStamp(string Target, DateTime Written, long Length)
{
    /// <summary>The stamp of <paramref name="path"/>; a file that cannot be looked at is stamped as missing.</summary>
    public static FileStamp Of(string path)
    {
        try
        {
            var file = File.ResolveLinkTarget(path, returnFinalTarget: true) as FileInfo ?? new FileInfo(path);
            return file.Exists ? new(file.FullName, file.LastWriteTimeUtc, file.Length) : new(file.FullName, DateTime.MinValue, -1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new(path, DateTime.MinValue, -1);
        }
    }
}
