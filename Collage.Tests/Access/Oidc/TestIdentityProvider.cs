using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Collage.Tests.Common;
using Collage.Transforms.Configuration;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Access.Oidc;

/// <summary>
/// An OpenID Connect issuer on real Kestrel at <c>http://127.0.0.1:port</c>: its discovery document
/// (<c>/.well-known/openid-configuration</c>) and JWKS (<c>/jwks</c>) with an RSA and an EC key to start with, keys
/// added and retired at will (rotation), tokens minted and signed here with .NET's own crypto, every JWKS read counted,
/// and the faults an issuer has (<see cref="Fault"/>). For the unit tests of the OIDC login and for end-to-end pulls:
/// <c>skopeo --creds any:$(idp.Mint("ci-robot"))</c> against a Collage whose <c>access:oidc</c> is <see cref="Options"/>.
/// </summary>
internal sealed class TestIdentityProvider : IAsyncDisposable
{
    /// <summary>The audience tokens are minted for unless told otherwise.</summary>
    public const string DefaultAudience = "collage";

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, TestSigningKey> _published = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<TestSigningKey> _keys = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _hung = new(0);
    private LoopbackServer _server = null!;
    private int _jwksFetches;
    private int _rotations;

    private TestIdentityProvider(TimeProvider time)
    {
        _time = time;
        RsaKey = Publish(TestSigningKey.Rsa("rsa-1"));
        EcKey = Publish(TestSigningKey.Ec("ec-1"));
    }

    /// <summary>The issuer, as tokens' <c>iss</c> names it: <c>http://127.0.0.1:port</c>, no trailing slash.</summary>
    public string Issuer => _server.BaseUri.ToString().TrimEnd('/');

    /// <summary>The RSA key published from the start (<c>rsa-1</c>, RS256); <see cref="Mint"/> signs with it by default.</summary>
    public TestSigningKey RsaKey { get; }

    /// <summary>The EC key published from the start (<c>ec-1</c>, ES256).</summary>
    public TestSigningKey EcKey { get; }

    /// <summary>How every request is answered now.</summary>
    public IdpFault Fault { get; set; }

    /// <summary>When set, the discovery document names this issuer instead of <see cref="Issuer"/> (a lying document).</summary>
    public string? DiscoveryIssuer { get; set; }

    /// <summary>JWKS documents served so far.</summary>
    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    /// <summary>Requests that arrived so far, whatever they were answered.</summary>
    public int Requests => _server.Requests.Count;

    /// <summary>Starts an issuer whose tokens' times (<c>iat</c>, <c>nbf</c>, <c>exp</c>) follow <paramref name="time"/>.</summary>
    public static async Task<TestIdentityProvider> StartAsync(TimeProvider? time = null, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var provider = new TestIdentityProvider(time ?? TimeProvider.System);
        provider._server = await LoopbackServer.StartAsync(provider.HandleAsync, certificate: certificate);
        return provider;
    }

    /// <summary>Collage's <c>access:oidc</c> for this issuer.</summary>
    public AccessOidcOptions Options(string audience = DefaultAudience) => new() { Issuer = Issuer, Audience = audience };

    /// <summary>Publishes a new key (a new <c>kid</c>, RSA unless <paramref name="ec"/>) beside the others, as a rotation starts.</summary>
    public TestSigningKey Rotate(bool ec = false)
    {
        var number = Interlocked.Increment(ref _rotations) + 1;
        return Publish(ec ? TestSigningKey.Ec($"ec-{number}") : TestSigningKey.Rsa($"rsa-{number}"));
    }

    /// <summary>Takes <paramref name="key"/> out of the JWKS, as a rotation ends.</summary>
    public void Retire(TestSigningKey key) => _published.TryRemove(key.Kid, out _);

    /// <summary>A key of the same kind the issuer never publishes (a forger's), with the <c>kid</c> given.</summary>
    public TestSigningKey Rogue(string kid, bool ec = false)
    {
        var key = ec ? TestSigningKey.Ec(kid) : TestSigningKey.Rsa(kid);
        _keys.Add(key);
        return key;
    }

    /// <summary>Waits until a request is held by <see cref="IdpFault.Hang"/>; false after ten seconds without one.</summary>
    public Task<bool> WaitForHungRequestAsync() => _hung.WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>
    /// A signed token: <c>iss</c> this issuer, <c>sub</c> <paramref name="subject"/> (none when null), <c>aud</c>,
    /// <c>groups</c> when given, <c>iat</c>/<c>nbf</c> now and <c>exp</c> after <paramref name="lifetime"/> (5 min), signed
    /// by <paramref name="key"/> (<see cref="RsaKey"/>). <paramref name="claims"/> override or add claims; a null value
    /// removes one (<c>["exp"] = null</c>).
    /// </summary>
    public string Mint(
        string? subject,
        string audience = DefaultAudience,
        IReadOnlyList<string>? groups = null,
        TimeSpan? lifetime = null,
        TestSigningKey? key = null,
        IReadOnlyDictionary<string, object?>? claims = null)
    {
        var signer = key ?? RsaKey;
        return Encode(Header(signer), Claims(subject, audience, groups, lifetime, claims), signer.Sign);
    }

    /// <summary>The JWS header <paramref name="key"/> signs under: <c>alg</c>, <c>typ</c>, <c>kid</c>.</summary>
    public static Dictionary<string, object?> Header(TestSigningKey key) => new() { ["alg"] = key.Algorithm, ["typ"] = "JWT", ["kid"] = key.Kid };

    /// <summary>The payload <see cref="Mint"/> signs, for tests that sign it their own way.</summary>
    public Dictionary<string, object?> Claims(
        string? subject,
        string audience = DefaultAudience,
        IReadOnlyList<string>? groups = null,
        TimeSpan? lifetime = null,
        IReadOnlyDictionary<string, object?>? claims = null)
    {
        var now = _time.GetUtcNow();
        var payload = new Dictionary<string, object?>
        {
            ["iss"] = Issuer,
            ["aud"] = audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + (lifetime ?? TimeSpan.FromMinutes(5))).ToUnixTimeSeconds(),
        };
        if (subject is not null)
        {
            payload["sub"] = subject;
        }

        if (groups is not null)
        {
            payload["groups"] = groups;
        }

        foreach (var (name, value) in claims ?? new Dictionary<string, object?>())
        {
            if (value is null)
            {
                payload.Remove(name);
            }
            else
            {
                payload[name] = value;
            }
        }

        return payload;
    }

    /// <summary>The compact JWS of <paramref name="header"/> and <paramref name="payload"/> signed by <paramref name="sign"/>.</summary>
    public static string Encode(IReadOnlyDictionary<string, object?> header, IReadOnlyDictionary<string, object?> payload, Func<byte[], byte[]> sign)
    {
        var signingInput = Segment(header) + "." + Segment(payload);
        return signingInput + "." + System.Buffers.Text.Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(signingInput)));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _server.DisposeAsync();
        foreach (var key in _keys)
        {
            key.Dispose();
        }

        _stopping.Dispose();
        _hung.Dispose();
    }

    private static string Segment(IReadOnlyDictionary<string, object?> part) => System.Buffers.Text.Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(part));

    private TestSigningKey Publish(TestSigningKey key)
    {
        _keys.Add(key);
        _published[key.Kid] = key;
        return key;
    }

    private async Task HandleAsync(HttpContext context)
    {
        switch (Fault)
        {
            case IdpFault.Unavailable:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            case IdpFault.Garbage:
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body>Sign in to continue</body></html>");
                return;
            case IdpFault.Hang:
                using (var held = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token))
                {
                    _hung.Release();
                    await Task.Delay(Timeout.Infinite, held.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                }

                return;
        }

        switch (context.Request.Path.Value)
        {
            case "/.well-known/openid-configuration":
                await context.Response.WriteAsJsonAsync(new Dictionary<string, object>
                {
                    ["issuer"] = DiscoveryIssuer ?? Issuer,
                    ["jwks_uri"] = Issuer + "/jwks",
                    ["response_types_supported"] = new[] { "id_token" },
                    ["subject_types_supported"] = new[] { "public" },
                    ["id_token_signing_alg_values_supported"] = new[] { "RS256", "ES256" },
                });
                return;
            case "/jwks":
                Interlocked.Increment(ref _jwksFetches);
                await context.Response.WriteAsJsonAsync(new { keys = _published.Values.Select(k => k.Jwk()).ToList() });
                return;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
        }
    }
}
