using System.Net;
using Collage.Transforms.Configuration;
using Collage.Tests.Common;
using Collage.Transforms.Upstreams;

namespace Collage.Tests.Upstreams;

public sealed class UpstreamSocketsTests
{
    private readonly RecordingLogger<UpstreamCertificateValidator> _logger = new();

    [Fact]
    public void Create_Defaults_LeavesPlatformValidationAlone()
    {
        using var handler = UpstreamSockets.Create(new UpstreamHttpOptions(), "registry.test", new UpstreamOptions(), _logger);

        handler.SslOptions.RemoteCertificateValidationCallback.Should().BeNull();
    }

    [Fact]
    public void Create_InsecureSkipVerify_InstallsCallback()
    {
        using var handler = UpstreamSockets.Create(new UpstreamHttpOptions(), "registry.test", new UpstreamOptions { InsecureSkipVerify = true }, _logger);

        handler.SslOptions.RemoteCertificateValidationCallback.Should().NotBeNull();
    }

    [Fact]
    public void Create_MissingCaFile_Throws()
    {
        var act = () => UpstreamSockets.Create(
            new UpstreamHttpOptions(), "registry.test", new UpstreamOptions { CaFile = Path.Combine(Path.GetTempPath(), $"collage-none-{Guid.NewGuid():N}.pem") }, _logger);

        act.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Create_AppliesHttpOptionsAndLeavesRedirectsCookiesAndEncodingsAlone()
    {
        var http = new UpstreamHttpOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(3),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(4),
            PooledConnectionLifetime = TimeSpan.FromSeconds(5),
        };

        using var handler = UpstreamSockets.Create(http, "registry.test", new UpstreamOptions(), _logger);

        handler.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(3));
        handler.PooledConnectionIdleTimeout.Should().Be(TimeSpan.FromSeconds(4));
        handler.PooledConnectionLifetime.Should().Be(TimeSpan.FromSeconds(5));
        handler.MaxResponseDrainSize.Should().Be(0, "an unread body closes its connection instead of being drained");
        handler.AllowAutoRedirect.Should().BeFalse();
        handler.UseCookies.Should().BeFalse();
        handler.AutomaticDecompression.Should().Be(DecompressionMethods.None);
        handler.UseProxy.Should().BeTrue();
        handler.EnableMultipleHttp2Connections.Should().BeTrue();
    }

    [Fact]
    public void Options_Defaults_AreSystemTrustAndVerification()
    {
        var options = new UpstreamOptions();

        options.CaFile.Should().BeNull();
        options.InsecureSkipVerify.Should().BeFalse();
    }
}
