namespace Collage.Tests.Deployment;

/// <summary>Finds files of the repository the tests were built from.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        for (var depth = 0; directory is not null && depth < 10; depth++, directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Collage.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Collage.sln not found above " + AppContext.BaseDirectory);
    }
}
