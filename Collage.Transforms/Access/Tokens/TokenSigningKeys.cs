using Collage.Transforms.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace Collage.Transforms.Access.Tokens;

/// <summary>
/// The keys of Collage's tokens: the one that signs now and the ones that are still accepted. Without
/// <c>access:tokenKey</c> one key is generated per process (a config reload keeps it, so tokens outlive reloads). With
/// it, the file is looked at again at most every few seconds and re-read when it changed (a rotated Kubernetes
/// Secret); the key it replaced is still accepted, so tokens signed a moment before a rotation keep working. A file
/// that no longer parses keeps the last good key.
/// </summary>
internal sealed class TokenSigningKeys(TimeProvider time)
{
    private static readonly TimeSpan LookEvery = TimeSpan.FromSeconds(5);

    private readonly Lazy<TokenSigningKey> _generated = new(TokenSigningKey.Generate);
    private readonly object _lock = new();
    private volatile Loaded? _loaded;

    /// <summary>The key that signs under <paramref name="options"/>.</summary>
    public TokenSigningKey Signing(AccessOptions options) =>
        options.TokenKey is { } path ? Load(path).Current : _generated.Value;

    /// <summary>The keys a token is accepted from under <paramref name="options"/>.</summary>
    public IReadOnlyList<SecurityKey> Accepted(AccessOptions options) =>
        options.TokenKey is { } path ? Load(path).Accepted : [_generated.Value.Key];

    private Loaded Load(string path)
    {
        var now = time.GetTimestamp();
        var loaded = _loaded;
        if (loaded is not null && loaded.Path == path && time.GetElapsedTime(loaded.LookedAt, now) < LookEvery)
        {
            return loaded;
        }

        lock (_lock)
        {
            loaded = _loaded;
            var stamp = FileStamp.Of(path);
            if (loaded is not null && loaded.Path == path && loaded.Stamp == stamp)
            {
                _loaded = loaded with { LookedAt = now };
                return _loaded;
            }

            if (TokenSigningKey.TryLoad(path) is not { } key)
            {
                // Start-up proved the file good; a broken edit keeps the last good key (or a generated one, never none).
                var fallback = loaded?.Current ?? _generated.Value;
                _loaded = new Loaded(path, stamp, now, fallback, loaded?.Accepted ?? [fallback.Key]);
                return _loaded;
            }

            var accepted = loaded is null || loaded.Path != path ? new[] { key.Key } : new[] { key.Key, loaded.Current.Key };
            _loaded = new Loaded(path, stamp, now, key, accepted);
            return _loaded;
        }
    }

    private sealed record Loaded(string Path, FileStamp Stamp, long LookedAt, TokenSigningKey Current, IReadOnlyList<SecurityKey> Accepted);
}
