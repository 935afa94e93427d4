using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Collage.Transforms.Configuration;
using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Collage.Transforms.Access;

/// <summary>
/// Checks a JWT from an OIDC issuer that a client presents as the password of a login: signed (RS256 or ES256 only)
/// by a key of the issuer's JWKS (<see cref="OidcKeys"/>), <c>iss</c> the issuer, <c>aud</c> naming the audience,
/// <c>exp</c> (required) and <c>nbf</c> within the clock skew on the injected clock, and a user claim. Validation is
/// Microsoft.IdentityModel's <see cref="JsonWebTokenHandler"/>. A token signed by a key the JWKS lacks has the JWKS
/// read again at once (at most once a minute), so a rotated key is taken on the first token that uses it.
/// </summary>
/// <remarks>
/// Clients send the same token on every request: a valid one is remembered under a keyed hash of it (never the token)
/// until its <c>exp</c>, while the keys it was checked against are the ones in force, so a repeat costs one lookup.
/// At most <c>capacity</c> are remembered; when full, the expired go, and if that is not enough, all of them.
/// Nothing logged names the token, a key, or a claim other than the user.
/// </remarks>
internal sealed partial class OidcTokens : IDisposable
{
    private const int MaxLength = 16 * 1024;
    private const int MaxHeaderLength = 2048;
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];
    private static readonly SearchValues<char> JwsCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _capacity;
    private readonly OidcKeys _keys;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly byte[] _hashKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, (OidcLogin Login, OpenIdConnectConfiguration Keys)> _remembered = new(StringComparer.Ordinal);
    private int _signatureChecks;

    /// <summary>Tokens of the issuer <paramref name="options"/> names.</summary>
    /// <param name="options">The issuer, audience and claims.</param>
    /// <param name="time">The clock tokens' lifetimes and the JWKS's refresh are judged by.</param>
    /// <param name="logger">Where refused tokens (Debug) and the issuer's state (Warning, Information) are logged.</param>
    /// <param name="capacity">How many valid tokens are remembered at most.</param>
    public OidcTokens(AccessOidcOptions options, TimeProvider time, ILogger logger, int capacity = 10_000)
    {
        Options = options;
        _time = time;
        _logger = logger;
        _capacity = capacity;
        _keys = new OidcKeys(options, time, logger);
    }

    /// <summary>The options these tokens are checked by.</summary>
    public AccessOidcOptions Options { get; }

    /// <summary>Tokens run through the handler so far (a remembered one is not).</summary>
    internal int SignatureChecks => Volatile.Read(ref _signatureChecks);

    /// <summary>Valid tokens remembered now.</summary>
    internal int Remembered => _remembered.Count;

    /// <summary>The read of the issuer's keys in flight, or a completed task.</summary>
    internal Task KeysReading => _keys.Reading;

    /// <summary>
    /// Whether <paramref name="password"/> has the shape of a signed JWT (JWS compact form): three base64url segments,
    /// the first a JSON object with a string <c>alg</c>. Cheap (no signature check): a login's password that does not
    /// look like one is not sent to the issuer's checks.
    /// </summary>
    public static bool LooksLikeJwt(string password)
    {
        if (password.Length is < 5 or > MaxLength)
        {
            return false;
        }

        var first = password.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : password.IndexOf('.', first + 1);
        if (first is <= 0 or > MaxHeaderLength || second < 0 || second == first + 1 || password.IndexOf('.', second + 1) >= 0)
        {
            return false;
        }

        // The alphabet first: Base64Url.IsValid skips white space.
        var span = password.AsSpan();
        if (span.ContainsAnyExcept(JwsCharacters) || !Base64Url.IsValid(span[..first]) || !Base64Url.IsValid(span[(first + 1)..second]) || !Base64Url.IsValid(span[(second + 1)..]))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(Base64Url.DecodeFromChars(span[..first]));
            using var header = JsonDocument.ParseValue(ref reader);
            return header.RootElement.ValueKind == JsonValueKind.Object
                && header.RootElement.TryGetProperty("alg", out var alg)
                && alg.ValueKind == JsonValueKind.String;
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// Who <paramref name="jwt"/> names, or null when it is not valid for any reason (the issuer unreachable, slow or
    /// answering garbage included: never an exception, except a cancellation of <paramref name="cancellationToken"/>).
    /// </summary>
    public async ValueTask<OidcLogin?> ValidateAsync(string jwt, CancellationToken cancellationToken)
    {
        try
        {
            return await CheckAsync(jwt, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRefused(_logger, ex.GetType().Name);
            return null;
        }
    }

    public void Dispose() => _keys.Dispose();

    private async ValueTask<OidcLogin?> CheckAsync(string jwt, CancellationToken cancellationToken)
    {
        if (!LooksLikeJwt(jwt))
        {
            LogRefused(_logger, "not a signed JWT");
            return null;
        }

        if (await _keys.CurrentAsync(cancellationToken).ConfigureAwait(false) is not { } keys)
        {
            LogRefused(_logger, "no keys from the issuer yet");
            return null;
        }

        var hash = Convert.ToBase64String(HMACSHA256.HashData(_hashKey, Encoding.UTF8.GetBytes(jwt)));
        if (_remembered.TryGetValue(hash, out var known))
        {
            if (known.Login.ExpiresAt > _time.GetUtcNow() && ReferenceEquals(known.Keys, keys))
            {
                return known.Login;
            }

            _remembered.TryRemove(KeyValuePair.Create(hash, known));
        }

        var token = _handler.ReadJsonWebToken(jwt);
        var result = await ValidateAsync(token, keys).ConfigureAwait(false);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException
            && await _keys.NewerThanAsync(keys, cancellationToken).ConfigureAwait(false) is { } newer)
        {
            keys = newer;
            result = await ValidateAsync(token, keys).ConfigureAwait(false);
        }

        if (!result.IsValid)
        {
            LogRefused(_logger, result.Exception?.GetType().Name ?? "invalid");
            return null;
        }

        if (Read(token) is not { } login)
        {
            LogRefused(_logger, $"no '{Options.UserClaim}' claim");
            return null;
        }

        Remember(hash, login, keys);
        return login;
    }

    private Task<TokenValidationResult> ValidateAsync(JsonWebToken token, OpenIdConnectConfiguration keys)
    {
        Interlocked.Increment(ref _signatureChecks);
        return _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Options.Issuer,
            ValidAudience = Options.Audience,
            IssuerSigningKeys = keys.SigningKeys,
            ValidAlgorithms = Algorithms,
            LifetimeValidator = Lifetime,
            RequireSignedTokens = true,
            RequireAudience = true,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
        });
    }

    // exp (required) and nbf on the injected clock, within the skew: the library's own check reads a clock it does
    // not let callers set. Thrown as the library's exceptions, so a refusal's reason says which.
    private bool Lifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (expires is not { } expiry)
        {
            throw new SecurityTokenNoExpirationException("The token has no exp.");
        }

        if (notBefore is { } start && start > now + Options.ClockSkew)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = start };
        }

        if (expiry < now - Options.ClockSkew)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = expiry };
        }

        return true;
    }

    // The user claim: one value, a string (or a number) that is not empty; the groups: its string values.
    private OidcLogin? Read(JsonWebToken token)
    {
        var claims = token.Claims.ToList();
        var users = claims.Where(c => string.Equals(c.Type, Options.UserClaim, StringComparison.Ordinal)).ToList();
        if (users is not [{ Value.Length: > 0 } user] || user.ValueType is JsonClaimValueTypes.Json or JsonClaimValueTypes.JsonArray or JsonClaimValueTypes.JsonNull)
        {
            return null;
        }

        var groups = claims
            .Where(c => string.Equals(c.Type, Options.GroupsClaim, StringComparison.Ordinal) && c.ValueType == ClaimValueTypes.String && c.Value.Length > 0)
            .Select(c => c.Value)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new OidcLogin(user.Value, groups, new DateTimeOffset(DateTime.SpecifyKind(token.ValidTo, DateTimeKind.Utc)));
    }

    private void Remember(string hash, OidcLogin login, OpenIdConnectConfiguration keys)
    {
        if (_remembered.Count >= _capacity)
        {
            var now = _time.GetUtcNow();
            foreach (var entry in _remembered)
            {
                if (entry.Value.Login.ExpiresAt <= now)
                {
                    _remembered.TryRemove(entry);
                }
            }

            if (_remembered.Count >= _capacity)
            {
                _remembered.Clear();
            }
        }

        _remembered[hash] = (login, keys);
    }

    [LoggerMessage(EventId = EventIds.OidcTokenRefused, Level = LogLevel.Debug, Message = "Access control: OIDC token refused ({Reason})")]
    private static partial void LogRefused(ILogger logger, string reason);
}
