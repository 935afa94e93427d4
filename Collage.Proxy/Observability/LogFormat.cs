using Collage.Transforms.Configuration;
using Microsoft.Extensions.Logging.Console;

namespace Collage.Proxy.Observability;

/// <summary>
/// The console log format: <c>--log-format json</c>, <c>COLLAGE_LOG_FORMAT=json</c> or
/// <c>Logging:Console:FormatterName=json</c> gives one JSON object per line (timestamps in UTC, ISO 8601),
/// with every structured field of the access log as a property. Default: the simple text format.
/// </summary>
internal static class LogFormat
{
    public const string ConfigurationKey = "Logging:Console:FormatterName";

    private static readonly string[] Names = [ConsoleFormatterNames.Simple, ConsoleFormatterNames.Json, ConsoleFormatterNames.Systemd];

    public static void Configure(ILoggingBuilder logging, IConfiguration configuration)
    {
        var name = configuration[ConfigurationKey];
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        if (!Names.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            throw new CollageConfigException("--log-format", $"'{name}' is not a log format. Pass one of {string.Join(", ", Names)}.");
        }

        // Set in code: the slim host's console logger otherwise keeps its simple formatter whatever the config says.
        logging.AddConsole(console => console.FormatterName = name.ToLowerInvariant());
        if (string.Equals(name, ConsoleFormatterNames.Json, StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
    }
}
