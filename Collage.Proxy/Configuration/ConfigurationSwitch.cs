using Collage.Transforms.Configuration;

namespace Collage.Proxy.Configuration;

/// <summary>Reads an on/off setting; anything but <c>true</c> or <c>false</c> stops start-up naming the key.</summary>
internal static class ConfigurationSwitch
{
    /// <summary>
    /// The value of <paramref name="key"/> under <paramref name="configuration"/>, or <paramref name="fallback"/>
    /// when it is not set.
    /// </summary>
    public static bool Read(IConfiguration configuration, string key, bool fallback = false)
    {
        var text = configuration[key];
        if (text is null)
        {
            return fallback;
        }

        if (!bool.TryParse(text, out var value))
        {
            var path = configuration is IConfigurationSection section ? $"{section.Path}:{key}" : key;
            throw new CollageConfigException(path, $"'{text}' is not a boolean. Write true or false.");
        }

        return value;
    }
}
