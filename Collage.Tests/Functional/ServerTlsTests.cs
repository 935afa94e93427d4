using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Functional;

/// <summary>Collage serving TLS from <c>--cert</c>/<c>--key</c>, and picking up a renewed pair without a restart.</summary>
public sealed class ServerTlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("collage-tls-").FullName;
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa();

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Get_OverTls_ThenRenewedCertificateIsServedWithoutRestart()
    {
        var certFile = Path.Combine(_directory, "tls.crt");
        var keyFile = Path.Combine(_directory, "tls.key");
        using var first = TestCertificates.CreateServer(_ca, IPAddress.Loopback);
        Write(first, certFile, keyFile);
        var interval = TimeSpan.FromSeconds(30);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var collage = await CollageServer.StartAsync(
            new { mappings = new Dictionary<string, string> { ["apps"] = "http://127.0.0.1:9/team" } },
            services => services.AddSingleton<TimeProvider>(time),
            "--cert", certFile, "--key", keyFile, "--Server:CertificateReloadInterval", interval.ToString("c", CultureInfo.InvariantCulture));
        collage.BaseUri.Scheme.Should().Be("https");

        (await ServedThumbprintAsync(collage.BaseUri)).Should().Be(first.Thumbprint);

        using var renewed = TestCertificates.CreateServer(_ca, IPAddress.Loopback);
        Write(renewed, certFile, keyFile);
        time.Advance(interval - TimeSpan.FromMilliseconds(1));
        (await ServedThumbprintAsync(collage.BaseUri)).Should().Be(first.Thumbprint, "the files are polled, not watched");

        // The poll runs on the timer's tick, inside Advance: the next handshake already gets the renewed pair.
        time.Advance(TimeSpan.FromMilliseconds(1));
        collage.Logs.All.Should().Contain($"TLS certificate {certFile} reloaded");
        (await ServedThumbprintAsync(collage.BaseUri)).Should().Be(renewed.Thumbprint, "a renewed certificate applies at the next poll");
    }

    [Fact]
    public async Task Start_CertWithoutKey_NamesTheFlag()
    {
        var act = () => CollageServer.StartAsync(
            new { mappings = new Dictionary<string, string> { ["apps"] = "http://127.0.0.1:9/team" } },
            extraArgs: ["--cert", Path.Combine(_directory, "missing.crt")]);

        await act.Should().ThrowAsync<Collage.Transforms.Configuration.CollageConfigException>().WithMessage("*--cert and --key*");
    }

    private static void Write(X509Certificate2 certificate, string certFile, string keyFile)
    {
        // Key first: a poll between the two writes sees a mismatched pair and keeps the old one.
        TestCertificates.WriteKeyPem(certificate, keyFile);
        TestCertificates.WritePem(certificate, certFile);
    }

    private static async Task<string?> ServedThumbprintAsync(Uri server)
    {
        string? thumbprint = null;
        using var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            thumbprint = (certificate as X509Certificate2)?.Thumbprint;
            return true;
        };
        using var client = new HttpClient(handler);
        using var response = await client.GetAsync(new Uri(server, "/v2/"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return thumbprint;
    }
}
