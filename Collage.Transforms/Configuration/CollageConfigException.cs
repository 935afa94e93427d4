namespace Collage.Transforms.Configuration;

/// <summary>
/// A configuration error that stops start-up (or rejects a reload). The message names the key and the fix.
/// </summary>
public sealed class CollageConfigException : Exception
{
    /// <summary>Creates the exception for the key <paramref name="key"/>.</summary>
    public CollageConfigException(string key, string problem)
        : base($"Invalid configuration at '{key}': {problem}")
    {
        Key = key;
    }

    /// <summary>The configuration key at fault, e.g. <c>Collage:Mappings:cool/stuff</c>.</summary>
    public string Key { get; }
}
