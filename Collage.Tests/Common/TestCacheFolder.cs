using System.Runtime.CompilerServices;

namespace Collage.Tests.Common;

/// <summary>
/// Points the embedded default's per-user cache folder (<c>$XDG_CACHE_HOME/collage</c>) at a folder of this test run,
/// so tests that build Collage without a config file never share (or sweep) the cache of the user running them.
/// </summary>
internal static class TestCacheFolder
{
    [ModuleInitializer]
    internal static void Initialize()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"collage-test-cache-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", folder);
    }
}
