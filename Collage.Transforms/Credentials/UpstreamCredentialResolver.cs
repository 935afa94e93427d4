using Collage.Transforms.Configuration;

namespace Collage.Transforms.Credentials;

/// <summary>
/// Decides which credentials Collage uses for an upstream in gateway mode: those of its <c>upstreams</c> entry
/// (<c>password</c>, <c>passwordFile</c>, <c>identityToken</c>; environment variables layer over the file through
/// .NET configuration), else the docker config's entry for the same <c>host[:port]</c>, else none (anonymous).
/// Files are read when an upstream's client is built (at start-up and when a reload changes its settings), so a
/// reload that points <c>dockerConfig</c> elsewhere is applied, not ignored. A docker config is parsed once per
/// version of the file (its size and write time), not once per upstream that falls back to it.
/// </summary>
/// <param name="environment">Reads an environment variable (<c>DOCKER_CONFIG</c>, <c>HOME</c>); the process's by default.</param>
internal sealed class UpstreamCredentialResolver(Func<string, string?>? environment = null)
{
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DockerConfigVersion> _dockerConfigs = new(StringComparer.Ordinal);

    /// <summary>The docker config file read for the configured <paramref name="dockerConfig"/>, if any.</summary>
    public string? Locate(string? dockerConfig) => DockerConfigFile.Locate(dockerConfig, _environment);

    /// <summary>
    /// The credentials for <paramref name="authority"/>, or null for anonymous access and pass-through; the docker
    /// config of <paramref name="dockerConfig"/> (the configured path, or null for the default location) is the fallback.
    /// </summary>
    /// <exception cref="CollageConfigException">A password file cannot be read, or the docker config is malformed.</exception>
    public UpstreamCredential? Resolve(string authority, UpstreamOptions options, string? dockerConfig)
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

        return Locate(dockerConfig) is { } path ? ReadDockerConfig(path).GetValueOrDefault(authority) : null;
    }

    private IReadOnlyDictionary<string, UpstreamCredential> ReadDockerConfig(string path)
    {
        // The final target: a Kubernetes Secret volume's ..data swap changes it, not the link (FileStamp).
        var stamp = FileStamp.Of(path);
        if (_dockerConfigs.TryGetValue(path, out var known) && known.Stamp == stamp)
        {
            return known.Credentials;
        }

        // A missing or malformed file throws here, naming the key, as it did when read once at start-up.
        var read = new DockerConfigVersion(stamp, DockerConfigFile.Read(path));
        _dockerConfigs[path] = read;
        return read.Credentials;
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

    private sealed record DockerConfigVersion(FileStamp Stamp, IReadOnlyDictionary<string, UpstreamCredential> Credentials);
}
