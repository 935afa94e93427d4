using System.Globalization;
using System.Net;
using Collage.Proxy.Configuration;
using Collage.Transforms.Configuration;

namespace Collage.Proxy.Hosting;

/// <summary>
/// Reads <see cref="ServerOptions"/> from the <c>Server</c> section, where the switches and <c>COLLAGE_*</c>
/// variables land (<see cref="ConfigurationSources"/>). A value that does not parse stops start-up; errors of the
/// listener's own settings name the switch the operator passes (<c>--port</c>), the rest the key.
/// </summary>
internal static class ServerOptionsReader
{
    /// <summary>Reads <c>Server</c>, with the documented defaults of <see cref="ServerOptions"/> for what it does not set.</summary>
    public static ServerOptions Read(IConfiguration configuration)
    {
        var section = ConfigSection.Of(configuration, ServerOptions.SectionName);
        var defaults = new ServerOptions();
        var options = new ServerOptions
        {
            Port = ReadPort(section, defaults.Port),
            Bind = ReadBind(section),
            InlineScheduling = section.Switch(nameof(ServerOptions.InlineScheduling), defaults.InlineScheduling),
            CertFile = section[nameof(ServerOptions.CertFile)],
            KeyFile = section[nameof(ServerOptions.KeyFile)],
            ConfigFile = section[nameof(ServerOptions.ConfigFile)],
            // Refused when wrong, not replaced by the default: a reload interval the operator set and Collage ignored
            // would leave a renewed certificate unserved for longer than they planned.
            CertificateReloadInterval = section.Duration(nameof(ServerOptions.CertificateReloadInterval), defaults.CertificateReloadInterval),
        };
        if ((options.CertFile is null) != (options.KeyFile is null))
        {
            throw new CollageConfigException(options.CertFile is null ? "--cert" : "--key", "TLS needs both --cert and --key (PEM files).");
        }

        return options;
    }

    private static int ReadPort(ConfigSection section, int fallback)
    {
        if (section[nameof(ServerOptions.Port)] is not { } text)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
        {
            throw new CollageConfigException("--port", $"'{text}' is not a TCP port. Pass a number from 0 to 65535.");
        }

        return port;
    }

    private static string? ReadBind(ConfigSection section)
    {
        var bind = section[nameof(ServerOptions.Bind)];
        if (bind is not null && !IPAddress.TryParse(bind, out _))
        {
            throw new CollageConfigException("--bind", $"'{bind}' is not an IP address. Pass e.g. 127.0.0.1 or 0.0.0.0.");
        }

        return bind;
    }
}
