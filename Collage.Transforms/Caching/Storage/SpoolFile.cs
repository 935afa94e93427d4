using Microsoft.Win32.SafeHandles;

namespace Collage.Transforms.Caching.Storage;

/// <summary>
/// A file a fetch writes while its readers read it, through one shared handle with positional reads and writes
/// (<see cref="RandomAccess"/>): readers never open the path, so the commit's rename cannot race them. Reference
/// counted: the fetch holds one reference and every reader one more; the last release closes the handle and deletes the
/// file unless it was committed.
/// </summary>
internal sealed class SpoolFile
{
    private int _references = 1;

    public SpoolFile(string path, SafeFileHandle handle)
    {
        Path = path;
        Handle = handle;
    }

    /// <summary>Where the file is while it is spooled.</summary>
    public string Path { get; }

    /// <summary>The shared handle, opened for reading and writing.</summary>
    public SafeFileHandle Handle { get; }

    /// <summary>Whether the file was moved into the store (then it outlives this spool).</summary>
    public bool Committed { get; set; }

    /// <summary>Adds a reader; false when the file is already closed.</summary>
    public bool TryAddReference()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Drops a reference; the last one closes the handle and deletes an uncommitted file.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0)
        {
            return;
        }

        Handle.Dispose();
        if (!Committed)
        {
            try
            {
                File.Delete(Path);
            }
            catch (IOException)
            {
                // Swept at the next start-up; a spool file is never served.
            }
        }
    }
}
