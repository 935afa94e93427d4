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
            RefreshTokenLifetime = section.Duration(nameof(AccessOptions.RefreshTokenLifetime), defaults.RefreshTokenLifetime),
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
