namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// A fresh directory, deleted with everything in it on dispose. It lives on tmpfs (<c>/dev/shm</c>) when there is
/// one: on this machine's ext4 (mounted with <c>discard</c>) deleting a registry storage of a few thousand small
/// files takes seconds, on tmpfs milliseconds. <c>COLLAGE_E2E_TMP</c> overrides the parent folder.
/// </summary>
internal sealed class TempDirectory : IDisposable
{
    private static readonly Lazy<string> Root = new(ChooseRoot);

    private TempDirectory(string path) => Path = path;

    /// <summary>The absolute path of the directory.</summary>
    public string Path { get; }

    /// <summary>Creates <c>ROOT/collage-e2e-PREFIX-RANDOM</c>.</summary>
    public static TempDirectory Create(string prefix)
    {
        var path = System.IO.Path.Combine(Root.Value, $"collage-e2e-{prefix}-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(path);
        return new TempDirectory(path);
    }

    /// <summary>Returns the path of a child (not created).</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Deletes the directory; a failure to delete is not worth failing a test for.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Something still holds a file; the OS temp cleaner will take it.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private static string ChooseRoot()
    {
        var configured = Environment.GetEnvironmentVariable("COLLAGE_E2E_TMP");
        if (!string.IsNullOrEmpty(configured))
        {
            Directory.CreateDirectory(configured);
            return configured;
        }

        const string Shm = "/dev/shm";
        try
        {
            var probe = System.IO.Path.Combine(Shm, $"collage-e2e-probe-{Environment.ProcessId}");
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return Shm;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return System.IO.Path.GetTempPath();
        }
    }
}
