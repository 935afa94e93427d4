using Collage.Proxy.Configuration;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace Collage.Proxy.Hosting;

/// <summary>
/// Where Collage's configuration comes from, over the host's usual sources (appsettings.json, <c>Section__Key</c>
/// environment variables, <c>--Section:Key</c> arguments): the short switches (<c>--port</c>), the
/// <c>COLLAGE_*</c> variables, and the config file in the original collage format.
/// </summary>
internal static class ConfigurationSources
{
    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--port"] = $"{ServerOptions.SectionName}:{nameof(ServerOptions.Port)}",
        ["--bind"] = $"{ServerOptions.SectionName}:{nameof(ServerOptions.Bind)}",
        ["--cert"] = $"{ServerOptions.SectionName}:{nameof(ServerOptions.CertFile)}",
        ["--key"] = $"{ServerOptions.SectionName}:{nameof(ServerOptions.KeyFile)}",
        ["--config-file"] = $"{ServerOptions.SectionName}:{nameof(ServerOptions.ConfigFile)}",
        ["--log-format"] = "Logging:Console:FormatterName",
    };

    private static readonly Dictionary<string, string> EnvironmentVariables = new(StringComparer.Ordinal)
    {
        ["COLLAGE_PORT"] = Switches["--port"],
        ["COLLAGE_BIND"] = Switches["--bind"],
        ["COLLAGE_CONFIG_FILE"] = Switches["--config-file"],
        ["COLLAGE_LOG_FORMAT"] = Switches["--log-format"],
    };

    /// <summary>
    /// Adds the <c>COLLAGE_*</c> variables, then the arguments with their short switches, so a switch overrides
    /// its variable (<c>--port</c> beats <c>COLLAGE_PORT</c>).
    /// </summary>
    public static void AddCollageSources(ConfigurationManager configuration, string[] args)
    {
        var fromEnvironment = EnvironmentVariables
            .Select(pair => (pair.Value, Environment.GetEnvironmentVariable(pair.Key)))
            .Where(pair => !string.IsNullOrEmpty(pair.Item2))
            .ToDictionary(pair => pair.Value, pair => pair.Item2);
        configuration.AddInMemoryCollection(fromEnvironment);
        configuration.AddCommandLine(args, Switches);
    }

    /// <summary>
    /// Adds <paramref name="configFile"/>, when one is given, right after appsettings.json: its mappings and vhosts
    /// replace the defaults, and the environment and arguments still layer over it. A missing or broken file
    /// stops start-up; a broken edit later is recorded in the returned status and ignored, the last good
    /// configuration serving on.
    /// </summary>
    public static ConfigFileStatus AddConfigFile(ConfigurationManager configuration, string? configFile)
    {
        var status = new ConfigFileStatus();
        if (configFile is null)
        {
            return status;
        }

        var path = Path.GetFullPath(configFile, Environment.CurrentDirectory);
        if (!File.Exists(path))
        {
            throw new CollageConfigException("--config-file", $"the file '{path}' does not exist. Pass the path of a collage config.json.");
        }

        var sources = configuration.Sources;
        var lastDefault = -1;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } jsonPath } json && jsonPath.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
            {
                sources[i] = new DefaultMountsFilterSource(json);
                lastDefault = i;
            }
        }

        var source = new CollageFileConfigurationSource
        {
            Path = Path.GetFileName(path),
            // Polled (every 4 s), not watched with inotify: a watcher wakes a thread for every write to any file
            // in the directory, so a log written beside the config cost each request a wake-up (bench/RESULTS.md);
            // polling also sees a Kubernetes ConfigMap's symlink swap.
            FileProvider = new PhysicalFileProvider(Path.GetDirectoryName(path)!) { UsePollingFileWatcher = true, UseActivePolling = true },
            Optional = false,
            ReloadOnChange = true,
        };
        try
        {
            sources.Insert(lastDefault + 1, source);
        }
        catch (InvalidDataException ex)
        {
            throw new CollageConfigException("--config-file", $"'{path}' is not valid JSON ({ex.InnerException?.Message ?? ex.Message}).");
        }

        // From now on a broken edit (or a half-written save) must not stop the running gateway.
        source.OnLoadException = context =>
        {
            status.Failed(context.Exception);
            context.Ignore = true;
        };
        return status;
    }
}
