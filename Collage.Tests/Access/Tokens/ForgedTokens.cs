using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Collage.Tests.Access.Tokens;

/// <summary>
/// What an attacker does with a token they hold: read it, change its payload, sign it with a key of their own, with
/// <c>alg: none</c>, or with HS256 keyed by the server's public key (the algorithm confusion of CVE-2015-9235).
/// </summary>
internal static class ForgedTokens
{
    /// <summary>The decoded header of <paramref name="jwt"/>.</summary>
    public static JsonObject Header(string jwt) => Part(jwt, 0);

    /// <summary>The decoded payload of <paramref name="jwt"/>.</summary>
    public static JsonObject Payload(string jwt) => Part(jwt, 1);

    /// <summary>The access claim as <c>type:name:action,...</c> strings, in token order.</summary>
    public static string[] Access(string jwt) =>
        [.. (Payload(jwt)["access"]?.AsArray() ?? []).Select(e => $"{e!["type"]}:{e["name"]}:{string.Join(',', e["actions"]!.AsArray().Select(a => (string)a!))}")];

    /// <summary><paramref name="jwt"/> with <paramref name="change"/> made to its payload and its original signature.</summary>
    public static string Tampered(string jwt, Action<JsonObject> change)
    {
        var parts = jwt.Split('.');
        var payload = Payload(jwt);
        change(payload);
        return $"{parts[0]}.{Encode(payload)}.{parts[2]}";
    }

    /// <summary><paramref name="jwt"/>'s payload (changed by <paramref name="change"/>) signed by <paramref name="key"/> with ES256, keeping its kid.</summary>
    public static string SignedBy(string jwt, ECDsa key, Action<JsonObject>? change = null, Action<JsonObject>? header = null)
    {
        var head = Header(jwt);
        head["alg"] = "ES256";
        header?.Invoke(head);
        var payload = Payload(jwt);
        change?.Invoke(payload);
        var signed = $"{Encode(head)}.{Encode(payload)}";
        return $"{signed}.{Base64Url.EncodeToString(key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256))}";
    }

    /// <summary><paramref name="jwt"/>'s payload signed by <paramref name="key"/> with RS256.</summary>
    public static string SignedBy(string jwt, RSA key)
    {
        var head = Header(jwt);
        head["alg"] = "RS256";
        var signed = $"{Encode(head)}.{Encode(Payload(jwt))}";
        return $"{signed}.{Base64Url.EncodeToString(key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))}";
    }

    /// <summary><paramref name="jwt"/>'s payload under <c>alg: none</c>, with an empty signature or <paramref name="signature"/>.</summary>
    public static string Unsigned(string jwt, string alg = "none", string signature = "")
    {
        var head = Header(jwt);
        head["alg"] = alg;
        return $"{Encode(head)}.{jwt.Split('.')[1]}.{signature}";
    }

    /// <summary><paramref name="jwt"/>'s payload signed with HS256 keyed by <paramref name="secret"/> (e.g. the server's public key).</summary>
    public static string Hs256(string jwt, byte[] secret)
    {
        var head = Header(jwt);
        head["alg"] = "HS256";
        var signed = $"{Encode(head)}.{jwt.Split('.')[1]}";
        return $"{signed}.{Base64Url.EncodeToString(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signed)))}";
    }

    /// <summary>An access claim entry granting pull of <paramref name="name"/>.</summary>
    public static JsonObject Pull(string name) => new() { ["type"] = "repository", ["name"] = name, ["actions"] = new JsonArray("pull") };

    private static JsonObject Part(string jwt, int index) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[index]))!.AsObject();

    private static string Encode(JsonObject part) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(part.ToJsonString(JsonSerializerOptions.Default)));
}
