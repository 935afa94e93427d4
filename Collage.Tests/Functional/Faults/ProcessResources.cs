using System.Diagnostics;

namespace Collage.Tests.Functional.Faults;

/// <summary>A snapshot of what this process holds: open file descriptors, managed heap after a full GC, RSS.</summary>
internal readonly record struct ProcessResources(int FileDescriptors, long ManagedBytes, long WorkingSetBytes, long PeakWorkingSetBytes)
{
    public static ProcessResources Now()
    {
        // Twice, so objects freed by finalizers (sockets, handles) are gone too.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return new ProcessResources(Directory.GetFiles("/proc/self/fd").Length, managed, process.WorkingSet64, process.PeakWorkingSet64);
    }

    public override string ToString() =>
        $"fds {FileDescriptors}, managed {ManagedBytes / 1024.0 / 1024:F1} MiB, RSS {WorkingSetBytes / 1024.0 / 1024:F1} MiB (peak {PeakWorkingSetBytes / 1024.0 / 1024:F1} MiB)";
}
