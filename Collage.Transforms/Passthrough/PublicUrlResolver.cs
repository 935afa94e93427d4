using System.Net;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Passthrough;

/// <summary>
/// The URL a client reaches Collage at, for the realm of the challenges Collage sends: the configured
/// <c>publicUrl</c>, else the request's scheme and Host. <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c>
/// count only when the request comes straight from a configured trusted proxy: anyone else could point the
/// realm, and with it the client's password, at a host of their choosing.
/// </summary>
internal sealed class PublicUrlResolver(PassthroughOptions options)
{
    /// <summary>The path of Collage's token endpoint.</summary>
    public const string TokenPath = "/v2/token";

    private const int MaxServices = 256;

    private readonly string? _configuredService = options.PublicUrl is { } url ? new Uri(url).Authority : null;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _services = new(StringComparer.Ordinal);

    /// <summary>Collage's public URL without a trailing slash, e.g. <c>https://registry.example.com</c>.</summary>
    public string Resolve(HttpContext context)
    {
        if (options.PublicUrl is { } configured)
        {
            return configured;
        }

        var request = context.Request;
        var scheme = request.Scheme;
        var host = request.Host.Value ?? "localhost";
        if (IsTrustedProxy(context.Connection.RemoteIpAddress))
        {
            if (First(request.Headers["X-Forwarded-Proto"]) is { } proto && proto.ToLowerInvariant() is "http" or "https")
            {
                scheme = proto.ToLowerInvariant();
            }

            if (First(request.Headers["X-Forwarded-Host"]) is { } forwardedHost && IsHost(forwardedHost))
            {
                host = forwardedHost;
            }
        }

        return $"{scheme}://{host}";
    }

    /// <summary>The realm of Collage's challenges: <c>{public URL}/v2/token</c>.</summary>
    public string Realm(HttpContext context) => Resolve(context) + TokenPath;

    /// <summary>
    /// The service Collage's challenges name: the authority of its public URL. Under access control every Bearer request
    /// asks it (a token's audience), so the parse is done once per public URL: at construction for a configured one,
    /// else per Host seen (a bounded table, since clients choose their Host).
    /// </summary>
    public string Service(HttpContext context)
    {
        if (_configuredService is { } configured)
        {
            return configured;
        }

        var url = Resolve(context);
        if (_services.TryGetValue(url, out var known))
        {
            return known;
        }

        var service = new Uri(url).Authority;
        if (_services.Count < MaxServices)
        {
            _services.TryAdd(url, service);
        }

        return service;
    }

    /// <summary>
    /// The client's address, for throttling logins: the connection's peer, or, when that peer is a trusted proxy, the
    /// nearest address in <c>X-Forwarded-For</c> that is not one (proxies append, so the addresses right of it were
    /// written by proxies Collage trusts and the ones left of it by anyone). Never the header of an untrusted peer,
    /// who could otherwise pick a fresh address for every guess.
    /// </summary>
    public string ClientAddress(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (!IsTrustedProxy(remote))
        {
            return remote?.ToString() ?? "unknown";
        }

        var forwarded = context.Request.Headers["X-Forwarded-For"];
        var hops = string.Join(',', forwarded.ToArray()).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = hops.Length - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(hops[i], out var hop))
            {
                break;
            }

            if (!IsTrustedProxy(hop))
            {
                return hop.ToString();
            }
        }

        return (remote is { IsIPv4MappedToIPv6: true } ? remote.MapToIPv4() : remote)!.ToString();
    }

    private bool IsTrustedProxy(IPAddress? remote)
    {
        if (remote is null || options.TrustedProxies.Count == 0)
        {
            return false;
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        return options.TrustedProxies.Contains(remote);
    }

    // A proxy appends; the first value is what the client asked for (RFC 7239 section 5.2 keeps the same order).
    private static string? First(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count == 0 ? null : values[0]!.Split(',')[0].Trim() is { Length: > 0 } first ? first : null;

    private static bool IsHost(string value)
    {
        var host = new HostString(value);
        return Uri.CheckHostName(host.Host.Trim('[', ']')) != UriHostNameType.Unknown && !value.Contains('"') && !value.Contains('/');
    }
}
