using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Collage.Tests.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// A token server for a distribution registry with <c>auth: token</c> (distribution token spec and its OAuth 2.0
/// form): <c>GET /token?service=S&amp;scope=...</c> with optional Basic credentials, and <c>POST /token</c> with
/// <c>grant_type=password|refresh_token</c>. Issues RS256 JWTs whose header carries the signing certificate
/// (<c>x5c</c>); <see cref="CertificatePath"/> is the registry's <c>rootcertbundle</c>. Known users get pull and
/// push on every repository and the catalog; anyone else a token with no access. Counts its requests.
/// </summary>
internal sealed class RegistryTokenServer : IAsyncDisposable
{
    public const string Issuer = "collage-e2e-issuer";
    public const string Service = "collage-e2e-registry";

    private readonly RSA _key;
    private readonly X509Certificate2 _certificate;
    private readonly TempDirectory _directory;
    private readonly IReadOnlyDictionary<string, string> _users;
    private readonly ConcurrentDictionary<string, string> _refreshTokens = new(StringComparer.Ordinal);
    private LoopbackServer _server = null!;

    private RegistryTokenServer(IReadOnlyDictionary<string, string> users)
    {
        _users = users;
        _key = RSA.Create(2048);
        var request = new CertificateRequest("CN=collage-e2e-token-signer", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        _certificate = request.CreateSelfSigned(now.AddMinutes(-10), now.AddDays(1));
        _directory = TempDirectory.Create("token-server");
        CertificatePath = _directory.Combine("rootcertbundle.pem");
        File.WriteAllText(CertificatePath, _certificate.ExportCertificatePem() + "\n");
    }

    /// <summary>The PEM certificate to give the registry as <c>rootcertbundle</c>.</summary>
    public string CertificatePath { get; }

    /// <summary><c>http://127.0.0.1:PORT/token</c>, the registry's realm.</summary>
    public Uri Realm => _server.Url("/token");

    /// <summary>Every token request so far.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    /// <summary>The YAML to append to the registry's config.</summary>
    public string RegistryYaml => $"""
        auth:
          token:
            realm: "{Realm}"
            service: "{Service}"
            issuer: "{Issuer}"
            rootcertbundle: "{CertificatePath}"
        """;

    public static async Task<RegistryTokenServer> StartAsync(IReadOnlyDictionary<string, string> users)
    {
        var server = new RegistryTokenServer(users);
        server._server = await LoopbackServer.StartAsync(server.HandleAsync);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate.Dispose();
        _key.Dispose();
        _directory.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string? user;
        string[] scopes;
        var offline = false;
        if (HttpMethods.IsPost(request.Method))
        {
            var form = await request.ReadFormAsync(context.RequestAborted);
            scopes = form["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            offline = form["access_type"] == "offline";
            user = form["grant_type"].ToString() switch
            {
                "password" => Authenticate(form["username"].ToString(), form["password"].ToString()),
                "refresh_token" => _refreshTokens.GetValueOrDefault(form["refresh_token"].ToString()),
                _ => null,
            };
            if (user is null)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
        }
        else
        {
            scopes = [.. request.Query["scope"].SelectMany(s => (s ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))];
            offline = request.Query["offline_token"] == "true";
            user = null;
            var authorization = request.Headers.Authorization.ToString();
            if (authorization.StartsWith("Basic ", StringComparison.Ordinal))
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..]));
                var colon = decoded.IndexOf(':');
                user = colon < 0 ? null : Authenticate(decoded[..colon], decoded[(colon + 1)..]);
                if (user is null)
                {
                    // Wrong credentials are refused; no credentials get an anonymous (empty) grant.
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return;
                }
            }
        }

        var token = Issue(user, scopes);
        var now = DateTimeOffset.UtcNow;
        var answer = new Dictionary<string, object> { ["token"] = token, ["access_token"] = token, ["expires_in"] = 300, ["issued_at"] = now.ToString("O") };
        if (offline && user is not null)
        {
            var refresh = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            _refreshTokens[refresh] = user;
            answer["refresh_token"] = refresh;
        }

        await context.Response.WriteAsJsonAsync(answer, context.RequestAborted);
    }

    private string? Authenticate(string username, string password) =>
        _users.TryGetValue(username, out var expected) && expected == password ? username : null;

    private string Issue(string? user, string[] scopes)
    {
        var access = new List<object>();
        foreach (var scope in user is null ? [] : scopes)
        {
            var first = scope.IndexOf(':');
            var last = scope.LastIndexOf(':');
            if (first <= 0 || last <= first)
            {
                continue;
            }

            var type = scope[..first];
            var name = scope[(first + 1)..last];
            string[] actions = type == "registry" ? ["*"] : ["pull", "push"];
            access.Add(new Dictionary<string, object> { ["type"] = type, ["name"] = name, ["actions"] = actions });
        }

        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Service,
            IssuedAt = now,
            NotBefore = now.AddSeconds(-30),
            Expires = now.AddMinutes(5),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = user ?? string.Empty,
                ["jti"] = Guid.NewGuid().ToString("N"),
                ["access"] = access,
            },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key), SecurityAlgorithms.RsaSha256),

            // distribution verifies the chain in x5c against its rootcertbundle (token spec, "JWT header").
            AdditionalHeaderClaims = new Dictionary<string, object> { ["x5c"] = new[] { Convert.ToBase64String(_certificate.RawData) } },
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
