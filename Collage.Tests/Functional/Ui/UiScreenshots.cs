namespace Collage.Tests.Functional.Ui;

/// <summary>
/// Where the page's screenshots are kept: <c>$COLLAGE_TEST_RESULTS/ui-screenshots</c> (scripts/test sets it), else
/// <c>TestResults/ui-screenshots</c> under the working folder.
/// </summary>
internal static class UiScreenshots
{
    /// <summary>The folder, created when missing.</summary>
    public static string Folder
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("COLLAGE_TEST_RESULTS") is { Length: > 0 } results ? results : Path.Combine(Directory.GetCurrentDirectory(), "TestResults");
            return Directory.CreateDirectory(Path.Combine(root, "ui-screenshots")).FullName;
        }
    }

    /// <summary>Copies <paramref name="file"/> into <see cref="Folder"/> under its own name.</summary>
    public static void Keep(string file) => File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)), overwrite: true);
}
