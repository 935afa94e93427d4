using Collage.Transforms.Configuration;
using Collage.Tests.Common;
using Collage.Transforms.Upstreams;

namespace Collage.Tests.Upstreams;

public sealed class UpstreamTlsTests
{
    private readonly RecordingLogger<UpstreamCertificateValidator> _logger = new();

    [Fact]
    public void Configure_Defaults_LeavesPlatformValidationAlone()
    {
        using var handler = new SocketsHttpHandler();

        UpstreamTls.Configure(handler, "registry.test", new UpstreamOptions(), _logger).Should().BeSameAs(handler);

        handler.SslOptions.RemoteCertificateValidationCallback.Should().BeNull();
    }

    [Fact]
    public void Configure_InsecureSkipVerify_InstallsCallback()
    {
        using var handler = new SocketsHttpHandler();

        UpstreamTls.Configure(handler, "registry.test", new UpstreamOptions { InsecureSkipVerify = true }, _logger);

        handler.SslOptions.RemoteCertificateValidationCallback.Should().NotBeNull();
    }

    [Fact]
    public void Options_Defaults_AreSystemTrustAndVerification()
    {
        var options = new UpstreamOptions();

        options.CaFile.Should().BeNull();
        options.InsecureSkipVerify.Should().BeFalse();
    }
}
