using Collage.Proxy.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;

namespace Collage.Tests.Configuration;

/// <summary>The configurations the <see cref="CollageConfigReader"/> tests read: in memory, or from a collage config file.</summary>
internal static class ConfigSources
{
    public static IConfiguration InMemory(params (string Key, string? Value)[] entries) =>
        new ConfigurationBuilder().AddInMemoryCollection(entries.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value))).Build();

    /// <summary>Writes <paramref name="json"/> to a file of its own in <paramref name="directory"/> and reads it as a collage config file.</summary>
    public static IConfiguration File(string directory, string json)
    {
        var path = Path.Combine(directory, $"{Guid.NewGuid():N}.json");
        System.IO.File.WriteAllText(path, json);
        using var provider = new PhysicalFileProvider(directory);
        return new ConfigurationBuilder()
            .Add(new CollageFileConfigurationSource { Path = Path.GetFileName(path), FileProvider = new PhysicalFileProvider(directory), Optional = false })
            .Build();
    }
}
