using Collage.Transforms.Configuration;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Collage.Tests.Common;
using Collage.Transforms.Upstreams;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Upstreams;

/// <summary>
/// A real HTTPS Kestrel upstream on 127.0.0.1 with a certificate from a throw-away CA, reached
/// through the <see cref="SocketsHttpHandler"/> the gateway makes for it (<see cref="UpstreamSockets"/>).
/// </summary>
public sealed class UpstreamTlsFunctionalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("collage-ca-").FullName;
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa();
    private readonly RecordingLogger<UpstreamCertificateValidator> _logger = new();

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Get_DefaultOptions_FailsTls()
    {
        using var certificate = TestCertificates.CreateServer(_ca, IPAddress.Loopback);

        var act = () => GetAsync(certificate, new UpstreamOptions());

        await act.Should().ThrowAsync<HttpRequestException>().WithInnerException(typeof(AuthenticationException));
    }

    [Fact]
    public async Task Get_CaFile_Succeeds()
    {
        using var certificate = TestCertificates.CreateServer(_ca, IPAddress.Loopback);

        var status = await GetAsync(certificate, new UpstreamOptions { CaFile = WriteCa("ca.pem") });

        status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Get_CaDirectory_Succeeds()
    {
        using var certificate = TestCertificates.CreateServer(_ca, IPAddress.Loopback);
        WriteCa("ca.crt");

        var status = await GetAsync(certificate, new UpstreamOptions { CaFile = _dir });

        status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Get_CertificateForOtherNameSignedByCa_FailsTls()
    {
        using var certificate = TestCertificates.CreateServer(_ca, "registry.other.test");

        var act = () => GetAsync(certificate, new UpstreamOptions { CaFile = WriteCa("ca.pem") });

        await act.Should().ThrowAsync<HttpRequestException>().WithInnerException(typeof(AuthenticationException));
        _logger.Entries.Should().Contain(e => e.Message.Contains("RemoteCertificateNameMismatch"));
    }

    [Fact]
    public async Task Get_CaFileOfAnotherCa_FailsTls()
    {
        using var other = TestCertificates.CreateCa("Other CA");
        using var certificate = TestCertificates.CreateServer(_ca, IPAddress.Loopback);
        var otherFile = Path.Combine(_dir, "other.pem");
        TestCertificates.WritePem(other, otherFile);

        var act = () => GetAsync(certificate, new UpstreamOptions { CaFile = otherFile });

        await act.Should().ThrowAsync<HttpRequestException>().WithInnerException(typeof(AuthenticationException));
    }

    [Fact]
    public async Task Get_InsecureSkipVerify_Succeeds()
    {
        using var certificate = TestCertificates.CreateServer(_ca, "registry.other.test");

        var status = await GetAsync(certificate, new UpstreamOptions { InsecureSkipVerify = true });

        status.Should().Be(HttpStatusCode.OK);
    }

    private string WriteCa(string name)
    {
        var path = Path.Combine(_dir, name);
        TestCertificates.WritePem(_ca, path);
        return path;
    }

    private async Task<HttpStatusCode> GetAsync(X509Certificate2 certificate, UpstreamOptions options)
    {
        await using var upstream = await LoopbackServer.StartAsync(
            context => context.Response.WriteAsync("{}"), certificate);
        upstream.BaseUri.Scheme.Should().Be("https");

        using var handler = UpstreamSockets.Create(new UpstreamHttpOptions(), upstream.BaseUri.Authority, options, _logger);
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await client.GetAsync(upstream.Url("/v2/"));
        return response.StatusCode;
    }
}
