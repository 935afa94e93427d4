using System.Globalization;
using Collage.Transforms.Configuration;

namespace Collage.Proxy.Configuration;

/// <summary>
/// Reads client access control, <c>Collage:Access</c>, into <see cref="AccessOptions"/>: null when the section is absent
/// (every client pulls every mount), every default when it is <c>{}</c> (then nobody pulls anything).
/// </summary>
internal static class AccessConfigReader
{
    /// <summary>The section's key under <c>Collage</c>.</summary>
    public const string SectionKey = "Access";

    private static readonly string[] Keys =
    [
        nameof(AccessOptions.Htpasswd), nameof(AccessOptions.Groups), nameof(AccessOptions.Anonymous), nameof(AccessOptions.Authenticated),
        nameof(AccessOptions.Rules), nameof(AccessOptions.LoginAttempts), nameof(AccessOptions.LoginWindow),
        nameof(AccessOptions.TokenKey), nameof(AccessOptions.TokenLifetime), nameof(AccessOptions.RefreshTokenLifetime),
        nameof(AccessOptions.RequestsPerUser), nameof(AccessOptions.RequestsPerAddress), nameof(AccessOptions.RequestWindow),
        nameof(AccessOptions.Oidc),
    ];

    private static readonly string[] RuleKeys =
    [
        nameof(AccessRuleOptions.Repositories), nameof(AccessRuleOptions.Users), nameof(AccessRuleOptions.Groups),
        nameof(AccessRuleOptions.Actions), nameof(AccessRuleOptions.Vhosts),
    ];

    /// <summary>Reads the section of <paramref name="collage"/>.</summary>
    public static AccessOptions? Read(IConfigurationSection collage)
    {
        if (collage.GetChildren().FirstOrDefault(c => string.Equals(c.Key, SectionKey, StringComparison.OrdinalIgnoreCase)) is not { } access)
        {
            return null;
        }

        if (access.Value is not null)
        {
            throw new CollageConfigException(access.Path, $"expected an object with {string.Join(", ", Keys)}, found a value. Leave the section out to let every client pull.");
        }

        var section = new ConfigSection(access).RefuseUnknownKeys(Keys);
        var defaults = new AccessOptions();
        var htpasswd = access[nameof(AccessOptions.Htpasswd)];
        if (htpasswd is { Length: > 0 } && !File.Exists(htpasswd))
        {
            throw new CollageConfigException(section.KeyPath(nameof(AccessOptions.Htpasswd)), $"the file '{htpasswd}' does not exist. Write it with 'htpasswd -B -c FILE USER'.");
        }

        return new AccessOptions
        {
            Htpasswd = htpasswd is { Length: > 0 } ? htpasswd : null,
            Groups = access.GetSection(nameof(AccessOptions.Groups)).GetChildren()
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)List(g), StringComparer.Ordinal),
            Anonymous = List(access.GetSection(nameof(AccessOptions.Anonymous))),
            Authenticated = List(access.GetSection(nameof(AccessOptions.Authenticated))),
            Rules = access.GetSection(nameof(AccessOptions.Rules)).GetChildren().Select(ReadRule).ToList(),
            LoginAttempts = section.WholeNumber(nameof(AccessOptions.LoginAttempts), defaults.LoginAttempts, 1, 1_000_000),
            LoginWindow = section.Duration(nameof(AccessOptions.LoginWindow), defaults.LoginWindow),
            TokenKey = TokenKey(section, access[nameof(AccessOptions.TokenKey)]),
            TokenLifetime = section.Duration(nameof(AccessOptions.TokenLifetime), defaults.TokenLifetime),
            RequestsPerUser = section.WholeNumber(nameof(AccessOptions.RequestsPerUser), defaults.RequestsPerUser, 0, 100_000_000),
            RequestsPerAddress = section.WholeNumber(nameof(AccessOptions.RequestsPerAddress), defaults.RequestsPerAddress, 0, 100_000_000),
            RequestWindow = section.Duration(nameof(AccessOptions.RequestWindow), defaults.RequestWindow),
            RefreshTokenLifetime = section.Duration(nameof(AccessOptions.RefreshTokenLifetime), defaults.RefreshTokenLifetime),
            Oidc = ReadOidc(access),
        };
    }

    // access:oidc, an issuer whose JWTs are taken as passwords: null when absent. The issuer is https (http only on a
    // loopback address, for tests and sidecars), without query or fragment, as the tokens' iss names it.
    private static AccessOidcOptions? ReadOidc(IConfigurationSection access)
    {
        string[] keys =
        [
            nameof(AccessOidcOptions.Issuer), nameof(AccessOidcOptions.Audience), nameof(AccessOidcOptions.UserClaim),
            nameof(AccessOidcOptions.GroupsClaim), nameof(AccessOidcOptions.ClockSkew), nameof(AccessOidcOptions.MetadataRefresh),
            nameof(AccessOidcOptions.CaFile),
        ];
        if (access.GetChildren().FirstOrDefault(c => string.Equals(c.Key, nameof(AccessOptions.Oidc), StringComparison.OrdinalIgnoreCase)) is not { } oidc)
        {
            return null;
        }

        if (oidc.Value is not null)
        {
            throw new CollageConfigException(oidc.Path, $"expected an object with {string.Join(", ", keys)}, found a value, e.g. {{ \"issuer\": \"https://idp.corp.lan\", \"audience\": \"collage\" }}.");
        }

        var section = new ConfigSection(oidc).RefuseUnknownKeys(keys);
        var issuer = oidc[nameof(AccessOidcOptions.Issuer)];
        var issuerKey = section.KeyPath(nameof(AccessOidcOptions.Issuer));
        if (issuer is not { Length: > 0 })
        {
            throw new CollageConfigException(issuerKey, "the issuer is required: its URL exactly as the tokens' 'iss' claim names it, e.g. \"https://idp.corp.lan\".");
        }

        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw new CollageConfigException(issuerKey, $"'{issuer}' is not an absolute http(s) URL without query, fragment or user. Write the issuer exactly as the tokens' 'iss' claim names it, e.g. \"https://idp.corp.lan\".");
        }

        var loopback = string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (System.Net.IPAddress.TryParse(uri.DnsSafeHost, out var address) && System.Net.IPAddress.IsLoopback(address));
        if (uri.Scheme == "http" && !loopback)
        {
            throw new CollageConfigException(issuerKey, $"'{issuer}' is plain http: its signing keys could be swapped on the way. Use https (http is taken only on a loopback address).");
        }

        var audience = oidc[nameof(AccessOidcOptions.Audience)];
        if (audience is not { Length: > 0 })
        {
            throw new CollageConfigException(section.KeyPath(nameof(AccessOidcOptions.Audience)), "the audience is required: the value tokens must name in their 'aud' claim, e.g. \"collage\".");
        }

        var defaults = new AccessOidcOptions { Issuer = issuer, Audience = audience };
        string Claim(string key, string fallback) => oidc[key] switch
        {
            null => fallback,
            { Length: > 0 } name when name.Trim() == name => name,
            _ => throw new CollageConfigException(section.KeyPath(key), $"a claim name cannot be empty or begin or end with a space. Leave it out for '{fallback}'."),
        };

        var skew = section.Duration(nameof(AccessOidcOptions.ClockSkew), defaults.ClockSkew, allowZero: true);
        if (skew > TimeSpan.FromMinutes(5))
        {
            throw new CollageConfigException(section.KeyPath(nameof(AccessOidcOptions.ClockSkew)), $"'{skew}' would take tokens that expired that long ago. Write at most \"00:05:00\" (default \"00:01:00\").");
        }

        var refresh = section.Duration(nameof(AccessOidcOptions.MetadataRefresh), defaults.MetadataRefresh);
        if (refresh < TimeSpan.FromMinutes(1))
        {
            throw new CollageConfigException(section.KeyPath(nameof(AccessOidcOptions.MetadataRefresh)), $"'{refresh}' would ask the issuer for its keys too often. Write at least \"00:01:00\" (default \"01:00:00\"); a token with a new key has them read at once anyway.");
        }

        // Loaded now, so a missing or empty bundle stops start-up rather than every OIDC login.
        var caFile = oidc[nameof(AccessOidcOptions.CaFile)] is { Length: > 0 } ca ? ca : null;
        if (caFile is not null)
        {
            try
            {
                _ = Transforms.Upstreams.CaBundleLoader.Load(caFile);
            }
            catch (InvalidOperationException ex)
            {
                throw new CollageConfigException(section.KeyPath(nameof(AccessOidcOptions.CaFile)), $"{ex.Message} Name a PEM file (or a folder of them) with the CA that signed the issuer's certificate.");
            }
        }

        return defaults with
        {
            CaFile = caFile,
            UserClaim = Claim(nameof(AccessOidcOptions.UserClaim), defaults.UserClaim),
            GroupsClaim = Claim(nameof(AccessOidcOptions.GroupsClaim), defaults.GroupsClaim),
            ClockSkew = skew,
            MetadataRefresh = refresh,
        };
    }

    // The key must load now: a replica that starts without it would issue tokens no other replica accepts.
    private static string? TokenKey(ConfigSection section, string? path)
    {
        if (path is not { Length: > 0 })
        {
            return null;
        }

        var key = section.KeyPath(nameof(AccessOptions.TokenKey));
        if (!File.Exists(path))
        {
            throw new CollageConfigException(key, $"the file '{path}' does not exist. Write one with 'openssl ecparam -name prime256v1 -genkey -noout -out FILE', or leave the key out to have one generated at start-up.");
        }

        if (Transforms.Access.Tokens.TokenSigningKey.TryLoad(path) is null)
        {
            throw new CollageConfigException(key, $"'{path}' holds no RSA or EC P-256 private key in PEM. Write one with 'openssl ecparam -name prime256v1 -genkey -noout -out FILE'.");
        }

        return path;
    }

    private static AccessRuleOptions ReadRule(IConfigurationSection rule)
    {
        new ConfigSection(rule).RefuseUnknownKeys(RuleKeys);
        var actions = List(rule.GetSection(nameof(AccessRuleOptions.Actions)));
        return new AccessRuleOptions
        {
            Repositories = List(rule.GetSection(nameof(AccessRuleOptions.Repositories))),
            Users = List(rule.GetSection(nameof(AccessRuleOptions.Users))),
            Groups = List(rule.GetSection(nameof(AccessRuleOptions.Groups))),
            Actions = actions.Count == 0 ? new AccessRuleOptions().Actions : actions,
            Vhosts = List(rule.GetSection(nameof(AccessRuleOptions.Vhosts))),
        };
    }

    // A list, or a single string for a list of one.
    private static List<string> List(IConfigurationSection section)
    {
        if (section.Value is { Length: > 0 } single)
        {
            return [single];
        }

        var entries = section.GetChildren().ToList();
        if (!entries.All(e => e.Key.All(char.IsAsciiDigit) && e.Value is { Length: > 0 }))
        {
            throw new CollageConfigException(section.Path, "expected a list of names, e.g. [\"alice\", \"bob\"].");
        }

        return entries.OrderBy(e => int.Parse(e.Key, CultureInfo.InvariantCulture)).Select(e => e.Value!).ToList();
    }
}
