using Collage.Transforms.Configuration;
using Microsoft.Extensions.Logging.Console;

namespace Collage.Proxy.Observability;

/// <summary>
/// The console log format: <c>--log-format json</c>, <c>COLLAGE_LOG_FORMAT=json</c> or
/// <c>Logging:Console:FormatterName=json</c> gives one JSON object per line (timestamps in UTC, ISO 8601),
/// with every structured field of the access log as a property. Default: the simple text format. Also sets the
/// console queue to drop lines rather than block requests when nobody reads the console.
/// </summary>
internal static class LogFormat
{
    public const string ConfigurationKey = "Logging:Console:FormatterName";

    /// <summary>The console logger's setting for a full queue; Collage's default is <c>DropWrite</c>.</summary>
    public const string QueueFullModeKey = "Logging:Console:QueueFullMode";

    private static readonly string[] Names = [ConsoleFormatterNames.Simple, ConsoleFormatterNames.Json, ConsoleFormatterNames.Systemd];

    public static void Configure(ILoggingBuilder logging, IConfiguration configuration)
    {
        // A console whose reader stalls (a full pipe, a slow container runtime) must not stall the gateway: with the
        // logger's default (Wait) every request's access-log line blocks once its queue is full, and with inline
        // scheduling that blocks the socket threads themselves, /healthz included. Dropped lines are counted and
        // reported by the logger once the console drains. An explicit setting wins.
        if (string.IsNullOrEmpty(configuration[QueueFullModeKey]))
        {
            logging.Services.Configure<ConsoleLoggerOptions>(console => console.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite);
        }

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
