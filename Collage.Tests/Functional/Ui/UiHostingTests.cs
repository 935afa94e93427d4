using System.Net;
using System.Security.Cryptography.X509Certificates;
using Collage.Tests.Common;
using Collage.Tests.Functional.Access;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.Functional.Ui;

/// <summary>Where the page is served: off, under another path, and behind Collage's own TLS listener.</summary>
public sealed class UiHostingTests
{
    [Fact]
    public async Task Ui_Disabled_NotServed()
    {
        await using var upstream = await AccessUpstream.StartAsync();
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["team"] = $"http://{upstream.Authority}/up" }, ui = new { enabled = false } });

        (await collage.Client.GetAsync("/ui/")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await collage.Client.GetAsync("/ui/assets/ui.css")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await collage.Client.GetAsync("/v2/team/d/manifests/v1")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Ui_OtherPath_LinksAndAssetsUnderIt()
    {
        await using var upstream = await AccessUpstream.StartAsync();
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["team"] = $"http://{upstream.Authority}/up" }, ui = new { path = "/registry/browse" } });

        using var page = await collage.Client.GetAsync("/registry/browse/tag?name=team/d&tag=v1");
        var html = await page.Content.ReadAsStringAsync();
        page.StatusCode.Should().Be(HttpStatusCode.OK, html);
        html.Should().Contain("href=\"/registry/browse/assets/ui.css\"").And.Contain("href=\"/registry/browse/repositories\"");
        (await collage.Client.GetAsync("/registry/browse/assets/ui.js")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await collage.Client.GetAsync("/ui/")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TagPage_BehindTlsIngress_CommandsNameThePublicUrl()
    {
        await using var upstream = await AccessUpstream.StartAsync();
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["team"] = $"http://{upstream.Authority}/up" },
            publicUrl = "https://registry.example.com",
        });

        var tag = await collage.Client.GetStringAsync("/ui/tag?name=team/d&tag=v1");
        var repository = await collage.Client.GetStringAsync("/ui/repository?name=team/d");

        tag.Should().Contain("data-copy=\"docker pull registry.example.com/team/d:v1\"")
            .And.Contain("data-copy=\"skopeo copy docker://registry.example.com/team/d:v1 oci:d:v1\"")
            .And.NotContain("--plain-http").And.NotContain("tls-verify=false").And.NotContain(collage.BaseUri.Authority);
        repository.Should().Contain("<code>registry.example.com/team/d:v1</code>");
    }

    [Fact]
    public async Task TagPage_TlsListener_CallsItsOwnApiAndShowsPlainCommands()
    {
        using var ca = TestCertificates.CreateCa();
        using var certificate = TestCertificates.CreateServer(ca, IPAddress.Loopback);
        var directory = Directory.CreateTempSubdirectory("collage-ui-tls-").FullName;
        var certFile = Path.Combine(directory, "tls.crt");
        var keyFile = Path.Combine(directory, "tls.key");
        TestCertificates.WritePem(certificate, certFile);
        TestCertificates.WriteKeyPem(certificate, keyFile);
        await using var upstream = await AccessUpstream.StartAsync();
        await using var collage = await CollageServer.StartAsync(
            new { mappings = new Dictionary<string, string> { ["team"] = $"http://{upstream.Authority}/up" } }, extraArgs: ["--cert", certFile, "--key", keyFile]);
        using var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && new X509Certificate2(presented).Thumbprint == certificate.Thumbprint },
        })
        { BaseAddress = collage.BaseUri };

        using var page = await client.GetAsync("/ui/tag?name=team/d&tag=v1");
        var html = await page.Content.ReadAsStringAsync();

        collage.BaseUri.Scheme.Should().Be("https");
        page.StatusCode.Should().Be(HttpStatusCode.OK, html);
        html.Should().Contain($"<code>{AccessUpstream.ManifestDigest}</code>");
        html.Should().Contain($"data-copy=\"skopeo copy docker://{collage.BaseUri.Authority}/team/d:v1 oci:d:v1\"", "over TLS no client needs an insecure flag");
        Directory.Delete(directory, recursive: true);
    }
}
