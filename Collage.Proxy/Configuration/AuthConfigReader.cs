using System.Net;
using Collage.Transforms.Configuration;

namespace Collage.Proxy.Configuration;

/// <summary>
/// Reads the authentication keys: per upstream <c>auth</c>, <c>username</c>, <c>password</c>,
/// <c>passwordFile</c>, <c>identityToken</c>; at the top <c>publicUrl</c> and <c>trustedProxies</c>.
/// Messages name keys, never values, as values may be secrets.
/// </summary>
internal static class AuthConfigReader
{
    public static UpstreamOptions ReadCredentials(IConfigurationSection section, UpstreamOptions options)
    {
        var mode = UpstreamAuthMode.Gateway;
        var modeText = section[nameof(UpstreamOptions.Auth)];
        if (modeText is not null && !TryParseMode(modeText, out mode))
        {
            throw new CollageConfigException($"{section.Path}:{nameof(UpstreamOptions.Auth)}", $"'{modeText}' is not an auth mode. Write \"gateway\" (Collage authenticates, the default) or \"passthrough\" (clients authenticate through Collage).");
        }

        var result = options with
        {
            Auth = mode,
            Username = NonEmpty(section, nameof(UpstreamOptions.Username)),
            Password = NonEmpty(section, nameof(UpstreamOptions.Password)),
            PasswordFile = NonEmpty(section, nameof(UpstreamOptions.PasswordFile)),
            IdentityToken = NonEmpty(section, nameof(UpstreamOptions.IdentityToken)),
        };

        if (result.Password is not null && result.PasswordFile is not null)
        {
            throw new CollageConfigException($"{section.Path}:{nameof(UpstreamOptions.PasswordFile)}", "both password and passwordFile are set. Keep one of them.");
        }

        if ((result.Password ?? result.PasswordFile) is not null && result.Username is null)
        {
            throw new CollageConfigException($"{section.Path}:{nameof(UpstreamOptions.Username)}", "a password is set without a username. Add \"username\".");
        }

        if (result.Username is not null && (result.Password ?? result.PasswordFile ?? result.IdentityToken) is null)
        {
            throw new CollageConfigException($"{section.Path}:{nameof(UpstreamOptions.Password)}", "a username is set without password, passwordFile or identityToken. Add one of them.");
        }

        if (mode == UpstreamAuthMode.Passthrough && (result.Username ?? result.IdentityToken) is not null)
        {
            throw new CollageConfigException($"{section.Path}:{nameof(UpstreamOptions.Auth)}", "a pass-through upstream takes each client's credentials, so it must not have its own. Remove username/password/identityToken, or use \"auth\": \"gateway\".");
        }

        return result;
    }

    public static string? ReadPublicUrl(IConfigurationSection section)
    {
        var value = section[nameof(CollageOptions.PublicUrl)];
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new CollageConfigException($"{section.Path}:{nameof(CollageOptions.PublicUrl)}", $"'{value}' is not an http(s) URL without credentials, query or fragment. Write e.g. \"https://registry.example.com\".");
        }

        return uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    public static IReadOnlyList<string> ReadTrustedProxies(IConfigurationSection section)
    {
        var proxies = section.GetSection(nameof(CollageOptions.TrustedProxies));
        var list = new List<string>();

        // A single value (an environment variable) may list several addresses, separated by commas.
        var values = proxies.Value is { } single
            ? single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : proxies.GetChildren().Select(c => c.Value ?? string.Empty);
        foreach (var value in values)
        {
            if (!IPAddress.TryParse(value, out var address))
            {
                throw new CollageConfigException(proxies.Path, $"'{value}' is not an IP address. List the addresses of trusted reverse proxies, e.g. [\"10.0.0.5\"].");
            }

            list.Add(address.ToString());
        }

        return list;
    }

    private static bool TryParseMode(string text, out UpstreamAuthMode mode)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "gateway":
                mode = UpstreamAuthMode.Gateway;
                return true;
            case "passthrough" or "pass-through":
                mode = UpstreamAuthMode.Passthrough;
                return true;
            default:
                mode = default;
                return false;
        }
    }

    private static string? NonEmpty(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } value ? value : null;
}
