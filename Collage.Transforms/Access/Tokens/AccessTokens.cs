using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Collage.Transforms.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collage.Transforms.Access.Tokens;

/// <summary>
/// Collage's own tokens (the distribution token spec's JWTs): minted by the token endpoint with the grants the policy
/// gives, checked on every request that bears one. A token is signed (<see cref="TokenSigningKeys"/>), names its
/// audience (the service of the challenge, Collage's public host) and its mount map, and lives
/// <see cref="AccessOptions.TokenLifetime"/>. Clients send the same token on every request of a pull, so a checked token
/// is remembered until it expires: the check after the first is one dictionary lookup.
/// </summary>
internal sealed class AccessTokens(TokenSigningKeys keys, TimeProvider time)
{
    /// <summary>The issuer Collage's tokens name, and the only one it accepts.</summary>
    public const string Issuer = "collage";

    private const int MaxRemembered = 16_384;
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly ConcurrentDictionary<string, (AccessToken Token, string Audience, SecurityKey Key)> _checked = new(StringComparer.Ordinal);

    /// <summary>A token for <paramref name="token"/>'s grants, for the <paramref name="audience"/> service.</summary>
    public string Mint(AccessToken token, string audience, AccessOptions options)
    {
        var now = time.GetUtcNow();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("iss", Issuer);
            json.WriteString("aud", audience);
            if (token.Identity.User is { } user)
            {
                json.WriteString("sub", user);
                WriteArray(json, "groups", token.Identity.Groups.Order(StringComparer.Ordinal));
            }

            json.WriteNumber("iat", now.ToUnixTimeSeconds());
            json.WriteNumber("nbf", now.ToUnixTimeSeconds());
            json.WriteNumber("exp", token.ExpiresAt.ToUnixTimeSeconds());
            json.WriteString("jti", Guid.NewGuid().ToString("N"));
            json.WriteString("map", token.Map);
            json.WriteString("use", token.IsRefresh ? "refresh" : "access");
            if (token.Identity.FromOidc)
            {
                json.WriteBoolean("oidc", true);
            }

            json.WriteStartArray("access");
            foreach (var name in token.Pull)
            {
                WriteAccess(json, "repository", name, "pull");
            }

            if (token.Catalog)
            {
                WriteAccess(json, "registry", "catalog", "*");
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Handler.CreateToken(Encoding.UTF8.GetString(buffer.ToArray()), keys.Signing(options).Credentials);
    }

    /// <summary>
    /// What <paramref name="jwt"/> says, when it is one of Collage's, signed by an accepted key, for
    /// <paramref name="audience"/>, and not expired by <see cref="TimeProvider"/>; else null.
    /// </summary>
    public async ValueTask<AccessToken?> CheckAsync(string jwt, string audience, AccessOptions options)
    {
        var now = time.GetUtcNow();
        if (_checked.TryGetValue(jwt, out var known))
        {
            // The key that signed it must still be accepted: a key rotated away (a leaked one, say) takes the tokens it
            // signed with it, also the ones checked before, whose expiry is whatever their signer wrote.
            return known.Audience == audience && known.Token.ExpiresAt > now && Holds(keys.Accepted(options), known.Key) ? known.Token : null;
        }

        if (jwt.Length > 8192 || !Handler.CanReadToken(jwt))
        {
            return null;
        }

        var result = await Handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = audience,
            IssuerSigningKeys = keys.Accepted(options),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256],

            // Judged below by the TimeProvider, so tests can move time and every check uses one clock.
            ValidateLifetime = false,
        }).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken { SigningKey: { } signedBy } token || Read(token) is not { } read)
        {
            return null;
        }

        if (read.ExpiresAt <= now || token.ValidFrom > now.UtcDateTime.AddMinutes(1))
        {
            return null;
        }

        if (_checked.Count >= MaxRemembered)
        {
            // Expired ones first; a table still full of live tokens is emptied (their next check is a signature check).
            foreach (var (key, entry) in _checked)
            {
                if (entry.Token.ExpiresAt <= now)
                {
                    _checked.TryRemove(key, out _);
                }
            }

            if (_checked.Count >= MaxRemembered)
            {
                _checked.Clear();
            }
        }

        _checked[jwt] = (read, audience, signedBy);
        return read;
    }

    private static bool Holds(IReadOnlyList<SecurityKey> accepted, SecurityKey key)
    {
        foreach (var candidate in accepted)
        {
            if (ReferenceEquals(candidate, key))
            {
                return true;
            }
        }

        return false;
    }

    private static AccessToken? Read(JsonWebToken token)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        var root = payload.RootElement;
        if (!root.TryGetProperty("map", out var map) || map.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out var expires)
            || !root.TryGetProperty("use", out var use))
        {
            return null;
        }

        var identity = AccessIdentity.Anonymous;
        if (root.TryGetProperty("sub", out var sub) && sub.GetString() is { Length: > 0 } user)
        {
            var groups = root.TryGetProperty("groups", out var g) && g.ValueKind == JsonValueKind.Array
                ? g.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToHashSet(StringComparer.Ordinal)
                : [];
            identity = new AccessIdentity(user, groups) { FromOidc = root.TryGetProperty("oidc", out var oidc) && oidc.ValueKind == JsonValueKind.True };
        }

        var pull = new HashSet<string>(StringComparer.Ordinal);
        var catalog = false;
        if (root.TryGetProperty("access", out var access) && access.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in access.EnumerateArray())
            {
                var type = entry.TryGetProperty("type", out var t) ? t.GetString() : null;
                var name = entry.TryGetProperty("name", out var n) ? n.GetString() : null;
                var actions = entry.TryGetProperty("actions", out var a) && a.ValueKind == JsonValueKind.Array
                    ? a.EnumerateArray().Select(x => x.GetString()).ToList() : [];
                if (type == "repository" && name is not null && actions.Contains("pull"))
                {
                    pull.Add(name);
                }
                else if (type == "registry" && name == "catalog" && actions.Contains("*"))
                {
                    catalog = true;
                }
            }
        }

        return new AccessToken(identity, map.GetString()!, pull, catalog, DateTimeOffset.FromUnixTimeSeconds(expires), use.GetString() == "refresh");
    }

    private static void WriteAccess(Utf8JsonWriter json, string type, string name, string action)
    {
        json.WriteStartObject();
        json.WriteString("type", type);
        json.WriteString("name", name);
        WriteArray(json, "actions", [action]);
        json.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
