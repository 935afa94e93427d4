using System.Security.Cryptography;
using System.Text;

namespace Collage.Transforms.Credentials;

/// <summary>
/// Credentials for one upstream: a user name with a password, and/or an identity (OAuth 2.0 refresh) token.
/// <see cref="ToString"/> prints no secret, and <see cref="Fingerprint"/> tells credentials apart without
/// revealing them.
/// </summary>
internal sealed class UpstreamCredential
{
    // Fingerprints are keyed by a random per-process secret, so a fingerprint in memory or in a cache key
    // says nothing about the password, not even to someone who guesses it.
    private static readonly byte[] FingerprintKey = RandomNumberGenerator.GetBytes(32);

    public UpstreamCredential(string? username, string? password, string? identityToken, string source)
    {
        if (password is not null && username is null)
        {
            throw new ArgumentException("A password needs a user name.", nameof(password));
        }

        if (password is null && identityToken is null)
        {
            throw new ArgumentException("Credentials need a password or an identity token.", nameof(password));
        }

        Username = username;
        Password = password;
        IdentityToken = identityToken;
        Source = source;
        Fingerprint = Compute($"{username}\n{password}\n{identityToken}");
    }

    public string? Username { get; }

    public string? Password { get; }

    /// <summary>An OAuth 2.0 refresh token (docker's <c>identitytoken</c>); the token server's POST form uses it.</summary>
    public string? IdentityToken { get; }

    /// <summary>Where the credentials came from (a config key or a docker config file), for messages.</summary>
    public string Source { get; }

    /// <summary>A keyed hash of every field: equal credentials share it, nothing can be learned from it.</summary>
    public string Fingerprint { get; }

    /// <summary>Whether a Basic <c>Authorization</c> can be made (RFC 7617).</summary>
    public bool HasPassword => Username is not null && Password is not null;

    /// <summary>The Basic credentials (RFC 7617 section 2: base64 of <c>user-id ":" password</c>, UTF-8).</summary>
    public string BasicParameter() =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"));

    /// <summary>A keyed hash of any secret, e.g. a client's Authorization header, for cache keys.</summary>
    public static string Compute(string secret) =>
        Convert.ToHexString(HMACSHA256.HashData(FingerprintKey, Encoding.UTF8.GetBytes(secret)), 0, 16);

    public override string ToString() => $"UpstreamCredential {{ Username = {Username}, Source = {Source} }}";
}
