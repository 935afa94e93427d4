using Collage.Tests.Deployment;

namespace Collage.Tests.EndToEnd.Ui;

/// <summary>
/// Where the browser tests keep their screenshots: <c>$COLLAGE_TEST_RESULTS/ui-screenshots</c> (scripts/test sets it and
/// keeps the folder with the test results), else <c>TestResults/ui-screenshots</c> at the repository's root.
/// </summary>
internal static class UiScreenshots
{
    private static readonly Lazy<string> Folder = new(Create);

    /// <summary>The folder, created on first use.</summary>
    public static string Directory => Folder.Value;

    private static string Create()
    {
        var results = Environment.GetEnvironmentVariable("COLLAGE_TEST_RESULTS");
        var folder = Path.Combine(string.IsNullOrEmpty(results) ? RepositoryFiles.PathOf("TestResults") : results, "ui-screenshots");
        System.IO.Directory.CreateDirectory(folder);
        return folder;
    }
}
