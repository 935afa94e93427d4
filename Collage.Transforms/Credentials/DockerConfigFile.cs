using System.Text;
using System.Text.Json;
using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;

namespace Collage.Transforms.Credentials;

/// <summary>
/// Reads the <c>auths</c> section of a docker <c>config.json</c>, as <c>docker login</c> writes it:
/// <c>{"auths": {"KEY": {"auth": base64("user:pass"), "identitytoken": "..."}}}</c>, where KEY is a bare
/// <c>host[:port]</c> or a URL such as <c>https://index.docker.io/v1/</c> (Docker Hub). Credential helpers
/// (<c>credsStore</c>, <c>credHelpers</c>) are not run.
/// </summary>
internal static class DockerConfigFile
{
    /// <summary>
    /// The file to read: <paramref name="configured"/>, else <c>$DOCKER_CONFIG/config.json</c>, else
    /// <c>~/.docker/config.json</c>; null when the default one does not exist.
    /// </summary>
    public static string? Locate(string? configured, Func<string, string?> environment)
    {
        if (configured is not null)
        {
            return configured;
        }

        var directory = environment("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(directory))
        {
            var home = environment("HOME");
            if (string.IsNullOrEmpty(home))
            {
                return null;
            }

            directory = Path.Combine(home, ".docker");
        }

        var path = Path.Combine(directory, "config.json");
        return File.Exists(path) ? path : null;
    }

    /// <summary>Reads the credentials of <paramref name="path"/> by normalised <c>host[:port]</c>.</summary>
    /// <exception cref="CollageConfigException">The file cannot be read or an entry is malformed.</exception>
    public static IReadOnlyDictionary<string, UpstreamCredential> Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CollageConfigException("dockerConfig", $"the docker config '{path}' cannot be read ({ex.GetType().Name}). Point dockerConfig (or DOCKER_CONFIG) at a readable config.json.");
        }

        return Parse(bytes, path);
    }

    public static IReadOnlyDictionary<string, UpstreamCredential> Parse(ReadOnlySpan<byte> json, string path)
    {
        var result = new Dictionary<string, UpstreamCredential>(StringComparer.OrdinalIgnoreCase);
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            // The parser's message can quote the file, secrets included.
            throw new CollageConfigException("dockerConfig", $"the docker config '{path}' is not valid JSON.");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object)
            {
                return result;
            }

            foreach (var entry in auths.EnumerateObject())
            {
                if (NormalizeKey(entry.Name) is not { } key || entry.Value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var source = $"{path} auths '{entry.Name}'";
                var (username, password) = ReadAuth(entry.Value, source);
                var identityToken = GetString(entry.Value, "identitytoken");
                if (password is null && identityToken is null)
                {
                    // e.g. an entry whose secret lives in a credential helper.
                    continue;
                }

                result[key] = new UpstreamCredential(username, identityToken is null ? password : null, identityToken, source);
            }
        }

        return result;
    }

    /// <summary>
    /// <c>host[:port]</c> of a key, lower-case, Docker Hub aliases normalised: <c>https://index.docker.io/v1/</c>
    /// and <c>docker.io</c> are <c>registry-1.docker.io</c>.
    /// </summary>
    public static string? NormalizeKey(string key)
    {
        var text = key.Trim();
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            text = text[(schemeEnd + 3)..];
        }

        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            text = text[..slash];
        }

        if (text.Length == 0)
        {
            return null;
        }

        var host = new Microsoft.AspNetCore.Http.HostString(text.ToLowerInvariant());
        var name = DockerHub.NormalizeHost(host.Host);
        return host.Port is { } port ? $"{name}:{port}" : name;
    }

    private static (string? Username, string? Password) ReadAuth(JsonElement entry, string source)
    {
        var username = GetString(entry, "username");
        var password = GetString(entry, "password");
        if (GetString(entry, "auth") is not { Length: > 0 } auth)
        {
            return (username, username is null ? null : password);
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
        }
        catch (FormatException)
        {
            throw new CollageConfigException("dockerConfig", $"{source}: 'auth' is not base64. Run docker login again.");
        }

        var colon = decoded.IndexOf(':');
        if (colon <= 0)
        {
            throw new CollageConfigException("dockerConfig", $"{source}: 'auth' is not base64 of user:password. Run docker login again.");
        }

        return (decoded[..colon], decoded[(colon + 1)..]);
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;
}
