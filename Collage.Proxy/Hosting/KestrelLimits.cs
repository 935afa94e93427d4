using Collage.Proxy.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Collage.Proxy.Hosting;

/// <summary>Reads <see cref="KestrelLimitsOptions"/> from <c>Server:Limits</c> and applies them to Kestrel.</summary>
internal static class KestrelLimits
{
    private static readonly string[] Keys =
    [
        nameof(KestrelLimitsOptions.MaxRequestLineSize), nameof(KestrelLimitsOptions.MaxRequestHeadersTotalSize),
        nameof(KestrelLimitsOptions.MaxRequestHeaderCount), nameof(KestrelLimitsOptions.MaxRequestBodySize),
        nameof(KestrelLimitsOptions.MaxConcurrentConnections), nameof(KestrelLimitsOptions.RequestHeadersTimeout),
        nameof(KestrelLimitsOptions.KeepAliveTimeout),
    ];

    /// <summary>Reads <c>Server:Limits</c>; a key it does not know or a value out of range stops start-up.</summary>
    public static KestrelLimitsOptions Read(IConfiguration configuration)
    {
        var section = ConfigSection.Of(configuration, KestrelLimitsOptions.SectionName).RefuseUnknownKeys(Keys);
        var defaults = new KestrelLimitsOptions();
        return new KestrelLimitsOptions
        {
            MaxRequestLineSize = section.WholeNumber(nameof(KestrelLimitsOptions.MaxRequestLineSize), defaults.MaxRequestLineSize, min: 256, max: int.MaxValue),
            MaxRequestHeadersTotalSize = section.WholeNumber(nameof(KestrelLimitsOptions.MaxRequestHeadersTotalSize), defaults.MaxRequestHeadersTotalSize, min: 1024, max: int.MaxValue),
            MaxRequestHeaderCount = section.WholeNumber(nameof(KestrelLimitsOptions.MaxRequestHeaderCount), defaults.MaxRequestHeaderCount, min: 8, max: int.MaxValue),
            MaxRequestBodySize = section.WholeNumber(nameof(KestrelLimitsOptions.MaxRequestBodySize), defaults.MaxRequestBodySize, min: 0, max: int.MaxValue),
            MaxConcurrentConnections = section.WholeNumber(nameof(KestrelLimitsOptions.MaxConcurrentConnections), defaults.MaxConcurrentConnections, min: 1, max: int.MaxValue),
            RequestHeadersTimeout = section.Duration(nameof(KestrelLimitsOptions.RequestHeadersTimeout), defaults.RequestHeadersTimeout),
            KeepAliveTimeout = section.Duration(nameof(KestrelLimitsOptions.KeepAliveTimeout), defaults.KeepAliveTimeout),
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
}
