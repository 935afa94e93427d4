namespace Collage.Tests.Hosting;

/// <summary>What the <see cref="Collage.Proxy.Hosting.CollageApp"/> tests build their gateways from.</summary>
internal static class TestApps
{
    /// <summary>The switches for a gateway on a free loopback port, reading <paramref name="configFile"/> if there is one.</summary>
    public static string[] Args(string? configFile, params string[] more) =>
        [.. configFile is null ? [] : new[] { "--config-file", configFile }, "--port", "0", "--bind", "127.0.0.1", .. more];

    /// <summary>Writes <paramref name="json"/> to a file of its own in <paramref name="directory"/> and returns its path.</summary>
    public static string ConfigFile(string directory, string json)
    {
        var path = Path.Combine(directory, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
