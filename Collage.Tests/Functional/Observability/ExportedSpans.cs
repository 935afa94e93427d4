using System.Collections.ObjectModel;
using System.Diagnostics;

namespace Collage.Tests.Functional.Observability;

/// <summary>What the in-memory exporter exported, safe to read while the gateway's threads add to it.</summary>
internal sealed class ExportedSpans : Collection<Activity>
{
    private readonly Lock _lock = new();

    /// <summary>A copy of every span exported so far.</summary>
    public Activity[] Snapshot()
    {
        lock (_lock)
        {
            return [.. Items];
        }
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (_lock)
        {
            base.InsertItem(index, item);
        }
    }
}
