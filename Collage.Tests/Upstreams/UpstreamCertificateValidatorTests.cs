using Collage.Transforms.Configuration;
using System.Net;
using System.Net.Security;
using Collage.Tests.Common;
using Collage.Transforms.Upstreams;
using Microsoft.Extensions.Logging;

namespace Collage.Tests.Upstreams;

public sealed class UpstreamCertificateValidatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("collage-ca-").FullName;
    private readonly RecordingLogger<UpstreamCertificateValidator> _logger = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Ctor_MissingCaFile_ThrowsNamingPath()
    {
        var path = Path.Combine(_dir, "nope.pem");

        var act = () => new UpstreamCertificateValidator("registry.test", new UpstreamOptions { CaFile = path }, _logger);

        act.Should().Throw<InvalidOperationException>().WithMessage($"*'{path}'*");
    }

    [Fact]
    public void Ctor_Defaults_UseSystemTrustOnlyAndLogNothing()
    {
        var validator = new UpstreamCertificateValidator("registry.test", new UpstreamOptions(), _logger);

        validator.UsesSystemTrustOnly.Should().BeTrue();
        validator.BundleCount.Should().Be(0);
        _logger.Entries.Should().BeEmpty();
    }

    [Fact]
    public void Ctor_InsecureSkipVerify_WarnsOnceNamingUpstream()
    {
        var validator = new UpstreamCertificateValidator("registry.test:5000", new UpstreamOptions { InsecureSkipVerify = true }, _logger);

        validator.Validate(this, null, null, SslPolicyErrors.RemoteCertificateNameMismatch).Should().BeTrue();
        validator.Validate(this, null, null, SslPolicyErrors.RemoteCertificateChainErrors).Should().BeTrue();

        _logger.Entries.Should().ContainSingle().Which.Should().Match<LogEntry>(
            e => e.Level == LogLevel.Warning && e.Message.Contains("registry.test:5000"));
    }

    [Fact]
    public void Validate_SystemStoreAccepts_IsAccepted()
    {
        var validator = new UpstreamCertificateValidator("registry.test", new UpstreamOptions(), _logger);

        validator.Validate(this, null, null, SslPolicyErrors.None).Should().BeTrue();
    }

    [Theory]
    [InlineData(SslPolicyErrors.RemoteCertificateNameMismatch)]
    [InlineData(SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors)]
    [InlineData(SslPolicyErrors.RemoteCertificateNotAvailable)]
    public void Validate_NameMismatchOrNoCertificate_IsRejectedDespiteBundle(SslPolicyErrors errors)
    {
        using var ca = TestCertificates.CreateCa();
        using var server = TestCertificates.CreateServer(ca, IPAddress.Loopback);
        var caFile = Path.Combine(_dir, "ca.pem");
        TestCertificates.WritePem(ca, caFile);
        var validator = new UpstreamCertificateValidator("registry.test", new UpstreamOptions { CaFile = caFile }, _logger);

        validator.Validate(this, server, null, errors).Should().BeFalse();
        _logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning);
    }

    [Fact]
    public void Validate_ChainErrorsWithBundleCa_IsAccepted()
    {
        using var ca = TestCertificates.CreateCa();
        using var server = TestCertificates.CreateServer(ca, IPAddress.Loopback);
        var caFile = Path.Combine(_dir, "ca.pem");
        TestCertificates.WritePem(ca, caFile);
        var validator = new UpstreamCertificateValidator("registry.test", new UpstreamOptions { CaFile = caFile }, _logger);

        validator.Validate(this, server, null, SslPolicyErrors.RemoteCertificateChainErrors).Should().BeTrue();
    }

    [Fact]
    public void Validate_ChainErrorsWithOtherCa_IsRejected()
    {
        using var ca = TestCertificates.CreateCa("Issuing CA");
        using var other = TestCertificates.CreateCa("Other CA");
        using var server = TestCertificates.CreateServer(ca, IPAddress.Loopback);
        var caFile = Path.Combine(_dir, "other.pem");
        TestCertificates.WritePem(other, caFile);
        var validator = new UpstreamCertificateValidator("registry.test", new UpstreamOptions { CaFile = caFile }, _logger);

        validator.Validate(this, server, null, SslPolicyErrors.RemoteCertificateChainErrors).Should().BeFalse();
        _logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Which.Message.Should().Contain("registry.test");
    }

    [Fact]
    public void Validate_ChainErrorsWithoutBundle_IsRejected()
    {
        using var ca = TestCertificates.CreateCa();
        using var server = TestCertificates.CreateServer(ca, IPAddress.Loopback);
        var validator = new UpstreamCertificateValidator("registry.test", new UpstreamOptions(), _logger);

        validator.Validate(this, server, null, SslPolicyErrors.RemoteCertificateChainErrors).Should().BeFalse();
    }
}
