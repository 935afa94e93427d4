using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Collage.Tests.Access.Oidc;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Access;

/// <summary>
/// An OIDC issuer served over HTTPS with a certificate from a private CA (a Kubernetes API server's issuer is): its
/// logins hold only when <c>access:oidc:caFile</c> names that CA.
/// </summary>
public sealed class OidcIssuerCaTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("collage-oidc-ca-").FullName;
    private TestIdentityProvider _idp = null!;
    private LoopbackServer _upstream = null!;

    private string CaFile => Path.Combine(_directory, "ca.crt");

    public async Task InitializeAsync()
    {
        using var ca = TestCertificates.CreateCa("Cluster CA");
        TestCertificates.WritePem(ca, CaFile);
        _idp = await TestIdentityProvider.StartAsync(certificate: TestCertificates.CreateServer(ca, IPAddress.Loopback));
        _upstream = await LoopbackServer.StartAsync(context =>
        {
            context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
            return context.Response.WriteAsync("{}");
        });
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        await _idp.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Login_IssuerSignedByThePrivateCa_PullsOnlyWithItsCaFile()
    {
        _idp.Issuer.Should().StartWith("https://");
        var jwt = _idp.Mint("builder");

        await using (var trusting = await StartCollageAsync(CaFile))
        {
            (await StatusAsync(trusting, jwt)).Should().Be(HttpStatusCode.OK, "the CA in caFile vouches for the issuer");
        }

        var reads = _idp.Requests;
        await using var untrusting = await StartCollageAsync(caFile: null);
        (await StatusAsync(untrusting, jwt)).Should().Be(HttpStatusCode.Unauthorized, "the system's trust does not know the cluster's CA");
        _idp.Requests.Should().Be(reads, "no document was read over a connection whose certificate failed");
    }

    private Task<CollageServer> StartCollageAsync(string? caFile) => CollageServer.StartAsync(new
    {
        mappings = new Dictionary<string, string> { ["/"] = $"http://{_upstream.Authority}/up" },
        access = new
        {
            oidc = caFile is null
                ? (object)new { issuer = _idp.Issuer, audience = "collage" }
                : new { issuer = _idp.Issuer, audience = "collage", caFile },
            authenticated = new[] { "**" },
        },
    });

    private static async Task<HttpStatusCode> StatusAsync(CollageServer collage, string jwt)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/ci/app/manifests/v1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"sa:{jwt}")));
        using var response = await collage.Client.SendAsync(request);
        return response.StatusCode;
    }
}
