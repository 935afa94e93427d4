using System.Net;
using System.Security.Cryptography.X509Certificates;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional;

/// <summary>An HTTPS upstream signed by a private CA, trusted only through the config's <c>upstreams</c> section.</summary>
public sealed class UpstreamTrustTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("collage-trust-").FullName;
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa();

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Get_HttpsUpstreamWithCaFileKeyedByHostAndPort_Succeeds()
    {
        using var certificate = TestCertificates.CreateServer(_ca, IPAddress.Loopback);
        await using var upstream = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("{\"ok\":1}"), certificate);
        var caFile = Path.Combine(_directory, "ca.pem");
        TestCertificates.WritePem(_ca, caFile);
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["secure"] = $"{upstream.Authority}/team" },
            upstreams = new Dictionary<string, object> { [upstream.Authority] = new { caFile } },
        });

        using var response = await collage.Client.GetAsync("/v2/secure/web/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        upstream.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be("/v2/team/web/manifests/v1");
    }

    [Fact]
    public async Task Get_HttpsUpstreamWithoutCa_Answers502AndNeverTrustsIt()
    {
        using var certificate = TestCertificates.CreateServer(_ca, IPAddress.Loopback);
        await using var upstream = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("{\"ok\":1}"), certificate);
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["secure"] = $"{upstream.Authority}/team" } });

        using var response = await collage.Client.GetAsync("/v2/secure/web/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await ErrorAnswerTests.ErrorCodeAsync(response)).Should().Be("UNAVAILABLE");
        upstream.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Get_HttpsUpstreamWithInsecureSkipVerify_Succeeds()
    {
        using var certificate = TestCertificates.CreateServer(_ca, IPAddress.Loopback);
        await using var upstream = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("{\"ok\":1}"), certificate);
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["secure"] = $"https://{upstream.Authority}/team" },
            upstreams = new Dictionary<string, object> { [upstream.Authority] = new { insecureSkipVerify = true } },
        });

        using var response = await collage.Client.GetAsync("/v2/secure/web/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
