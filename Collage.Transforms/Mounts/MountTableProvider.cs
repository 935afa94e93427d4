namespace Collage.Transforms.Mounts;

/// <summary>Holds the mount table in force. Readers take <see cref="Current"/> once per request.</summary>
internal sealed class MountTableProvider(MountTable initial)
{
    private volatile MountTable _current = initial;

    public MountTable Current => _current;

    /// <summary>Swaps in a table that was built and validated in full.</summary>
    public void Update(MountTable table) => _current = table;
}
