using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Tests.Functional.Infrastructure;
using Collage.Transforms.Configuration;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Collage.Tests.EndToEnd.Access;

/// <summary>
/// Collage in front of the real registry A with access control and an htpasswd file written by the real
/// <c>htpasswd -Bbc</c> (apache2-utils, bcrypt): <c>public</c> (A's library) anonymous, <c>team</c> (A's team) for
/// the group platform (alice), <c>other</c> (A's other) for bob.
/// </summary>
internal sealed class AccessGateway : IAsyncDisposable
{
    public const string AlicePassword = "wonder:land 7Q!";
    public const string BobPassword = "builder-3k9";

    private readonly TempDirectory _directory;

    private AccessGateway(TempDirectory directory, CollageServer collage, ClientRequestRecorder requests)
    {
        _directory = directory;
        Collage = collage;
        Requests = requests;
    }

    public CollageServer Collage { get; }

    /// <summary>What each client request carried (Authorization scheme, token claims), recorded in front of Collage.</summary>
    public ClientRequestRecorder Requests { get; }

    /// <summary><c>127.0.0.1:port</c>, the registry name clients use for Collage.</summary>
    public string HostPort => $"127.0.0.1:{Collage.BaseUri.Port}";

    /// <summary>The user an OIDC token names (<c>sub</c>); granted <c>team</c> when the gateway takes OIDC tokens.</summary>
    public const string OidcUser = "ci-robot";

    public static string Alice => $"alice:{AlicePassword}";

    public static string Bob => $"bob:{BobPassword}";

    /// <summary>
    /// Starts the gateway; with <paramref name="oidc"/> (an issuer's <c>access:oidc</c>) its tokens log in too, and the
    /// OIDC user <see cref="OidcUser"/> may pull <c>team</c>.
    /// </summary>
    public static async Task<AccessGateway> StartAsync(RealRegistriesFixture fixture, AccessOidcOptions? oidc = null)
    {
        var directory = TempDirectory.Create("access-gateway");
        var htpasswd = directory.Combine("htpasswd");
        (await ProcessRunner.RunAsync("htpasswd", ["-Bbc", htpasswd, "alice", AlicePassword], TimeSpan.FromSeconds(30))).EnsureSuccess();
        (await ProcessRunner.RunAsync("htpasswd", ["-Bb", htpasswd, "bob", BobPassword], TimeSpan.FromSeconds(30))).EnsureSuccess();
        var requests = new ClientRequestRecorder();
        var collage = await CollageServer.StartAsync(Config($"http://{fixture.RegistryA.HostPort}", htpasswd, oidc), services => services.AddSingleton<IStartupFilter>(requests));
        return new AccessGateway(directory, collage, requests);
    }

    private static object Config(string registry, string htpasswd, AccessOidcOptions? oidc)
    {
        List<object> rules =
        [
            new { repositories = new[] { "team/**" }, groups = new[] { "platform" } },
            new { repositories = new[] { "other/**" }, users = new[] { "bob" } },
        ];
        var access = new Dictionary<string, object>
        {
            ["htpasswd"] = htpasswd,
            ["groups"] = new Dictionary<string, string[]> { ["platform"] = ["alice"] },
            ["anonymous"] = new[] { "public/**" },
            ["rules"] = rules,
        };
        if (oidc is not null)
        {
            access["oidc"] = new { issuer = oidc.Issuer, audience = oidc.Audience };
            rules.Add(new { repositories = new[] { "team/**" }, users = new[] { OidcUser } });
        }

        return new
        {
            mappings = new Dictionary<string, string>
            {
                ["public"] = $"{registry}/library",
                ["team"] = $"{registry}/team",
                ["other"] = $"{registry}/other",
            },
            access,
        };
    }

    /// <summary>A skopeo reference to <paramref name="repository"/> on Collage.</summary>
    public string Docker(string repository, string tag) => $"docker://{HostPort}/{repository}:{tag}";

    /// <summary>A containerd / podman reference (no transport).</summary>
    public string Reference(string repository, string tag) => $"{HostPort}/{repository}:{tag}";

    /// <summary>The access log lines Collage wrote so far.</summary>
    public IReadOnlyList<string> AccessLines => [.. Collage.Logs.Lines.Where(l => l.Contains("Collage.AccessLog", StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        await Collage.DisposeAsync();
        _directory.Dispose();
    }
}
