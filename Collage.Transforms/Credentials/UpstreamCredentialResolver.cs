using Collage.Transforms.Configuration;

namespace Collage.Transforms.Credentials;

/// <summary>
/// Decides which credentials Collage uses for an upstream in gateway mode: those of its <c>upstreams</c> entry
/// (<c>password</c>, <c>passwordFile</c>, <c>identityToken</c>; environment variables layer over the file through
/// .NET configuration), else the docker config's entry for the same <c>host[:port]</c>, else none (anonymous).
/// </summary>
internal sealed class UpstreamCredentialResolver
{
    private readonly Lazy<IReadOnlyDictionary<string, UpstreamCredential>> _dockerConfig;

    public UpstreamCredentialResolver(string? dockerConfigPath)
    {
        DockerConfigPath = dockerConfigPath;
        _dockerConfig = new(() => dockerConfigPath is null
            ? new Dictionary<string, UpstreamCredential>()
            : DockerConfigFile.Read(dockerConfigPath));
    }

    /// <summary>The docker config file read, if any.</summary>
    public string? DockerConfigPath { get; }

    /// <summary>The credentials for <paramref name="authority"/>, or null for anonymous access and pass-through.</summary>
    /// <exception cref="CollageConfigException">A password file cannot be read, or the docker config is malformed.</exception>
    public UpstreamCredential? Resolve(string authority, UpstreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Auth == UpstreamAuthMode.Passthrough)
        {
            return null;
        }

        var key = $"upstreams:{authority}";
        if (options.PasswordFile is { } file)
        {
            return new UpstreamCredential(options.Username, ReadPasswordFile($"{key}:passwordFile", file), options.IdentityToken, $"{key}:passwordFile");
        }

        if (options.Password is not null || options.IdentityToken is not null)
        {
            return new UpstreamCredential(options.Username, options.Password, options.IdentityToken, key);
        }

        return _dockerConfig.Value.GetValueOrDefault(authority);
    }

    private static string ReadPasswordFile(string key, string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CollageConfigException(key, $"the password file '{path}' cannot be read ({ex.GetType().Name}). Point passwordFile at a readable file holding the password.");
        }

        // Secrets written by `echo` or mounted by Kubernetes often end with a newline that is not part of them.
        var password = text.TrimEnd('\r', '\n');
        if (password.Length == 0)
        {
            throw new CollageConfigException(key, $"the password file '{path}' is empty. Put the password in it.");
        }

        return password;
    }
}
