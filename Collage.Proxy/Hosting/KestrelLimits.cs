using System.Globalization;
using Collage.Transforms.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Collage.Proxy.Hosting;

/// <summary>Reads <see cref="KestrelLimitsOptions"/> from <c>Server:Limits</c> and applies them to Kestrel.</summary>
internal static class KestrelLimits
{
    /// <summary>Reads <c>Server:Limits</c>; a key it does not know or a value out of range stops start-up.</summary>
    public static KestrelLimitsOptions Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(KestrelLimitsOptions.SectionName);
        var defaults = new KestrelLimitsOptions();
        string[] known =
        [
            nameof(KestrelLimitsOptions.MaxRequestLineSize), nameof(KestrelLimitsOptions.MaxRequestHeadersTotalSize),
            nameof(KestrelLimitsOptions.MaxRequestHeaderCount), nameof(KestrelLimitsOptions.MaxRequestBodySize),
            nameof(KestrelLimitsOptions.MaxConcurrentConnections), nameof(KestrelLimitsOptions.RequestHeadersTimeout),
            nameof(KestrelLimitsOptions.KeepAliveTimeout),
        ];
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new CollageConfigException(child.Path, $"unknown key '{child.Key}'. Allowed here: {string.Join(", ", known)}.");
            }
        }

        return new KestrelLimitsOptions
        {
            MaxRequestLineSize = (int)ReadNumber(section, nameof(KestrelLimitsOptions.MaxRequestLineSize), defaults.MaxRequestLineSize, min: 256),
            MaxRequestHeadersTotalSize = (int)ReadNumber(section, nameof(KestrelLimitsOptions.MaxRequestHeadersTotalSize), defaults.MaxRequestHeadersTotalSize, min: 1024),
            MaxRequestHeaderCount = (int)ReadNumber(section, nameof(KestrelLimitsOptions.MaxRequestHeaderCount), defaults.MaxRequestHeaderCount, min: 8),
            MaxRequestBodySize = ReadNumber(section, nameof(KestrelLimitsOptions.MaxRequestBodySize), defaults.MaxRequestBodySize, min: 0),
            MaxConcurrentConnections = ReadNumber(section, nameof(KestrelLimitsOptions.MaxConcurrentConnections), defaults.MaxConcurrentConnections, min: 1),
            RequestHeadersTimeout = ReadDuration(section, nameof(KestrelLimitsOptions.RequestHeadersTimeout), defaults.RequestHeadersTimeout),
            KeepAliveTimeout = ReadDuration(section, nameof(KestrelLimitsOptions.KeepAliveTimeout), defaults.KeepAliveTimeout),
        };
    }

    /// <summary>Sets every limit of <paramref name="options"/> on <paramref name="kestrel"/>.</summary>
    public static void Apply(KestrelServerOptions kestrel, KestrelLimitsOptions options)
    {
        var limits = kestrel.Limits;
        limits.MaxRequestLineSize = options.MaxRequestLineSize;
        limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersTotalSize;
        limits.MaxRequestHeaderCount = options.MaxRequestHeaderCount;
        limits.MaxRequestBodySize = options.MaxRequestBodySize;
        limits.MaxConcurrentConnections = options.MaxConcurrentConnections;
        limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
        limits.KeepAliveTimeout = options.KeepAliveTimeout;
    }

    private static long ReadNumber(IConfigurationSection section, string key, long fallback, long min)
    {
        if (section[key] is not { } text)
        {
            return fallback;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > int.MaxValue)
        {
            throw new CollageConfigException($"{KestrelLimitsOptions.SectionName}:{key}", $"'{text}' is not a whole number from {min} to {int.MaxValue}.");
        }

        return value;
    }

    private static TimeSpan ReadDuration(IConfigurationSection section, string key, TimeSpan fallback)
    {
        if (section[key] is not { } text)
        {
            return fallback;
        }

        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) || value <= TimeSpan.Zero)
        {
            throw new CollageConfigException($"{KestrelLimitsOptions.SectionName}:{key}", $"'{text}' is not a positive duration such as 00:00:10.");
        }

        return value;
    }
}
