using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;

namespace Collage.Tests.Mounts;

public sealed class UpstreamSourceTests
{
    [Theory]
    [InlineData("quay.io/coreos/etcd", "https", "quay.io", "coreos/etcd")]
    [InlineData("index.docker.io/flavio", "https", "registry-1.docker.io", "flavio")]
    [InlineData("docker.io", "https", "registry-1.docker.io", "")]
    [InlineData("registry-1.docker.io", "https", "registry-1.docker.io", "")]
    [InlineData("http://insecure-registry.local.lan/foo", "http", "insecure-registry.local.lan", "foo")]
    [InlineData("HTTP://Insecure-Registry.Local.LAN/foo", "http", "insecure-registry.local.lan", "foo")]
    [InlineData("https://quay.io/coreos/", "https", "quay.io", "coreos")]
    [InlineData("quay.io/", "https", "quay.io", "")]
    [InlineData("  quay.io/coreos  ", "https", "quay.io", "coreos")]
    [InlineData("127.0.0.1:5102", "https", "127.0.0.1:5102", "")]
    [InlineData("http://127.0.0.1:5102/a/b", "http", "127.0.0.1:5102", "a/b")]
    [InlineData("quay.io:443/x", "https", "quay.io", "x")]
    [InlineData("http://registry.local.lan:80/x", "http", "registry.local.lan", "x")]
    [InlineData("http://registry.local.lan:443/x", "http", "registry.local.lan:443", "x")]
    [InlineData("registry.local.lan:5000/a__b/c-d/e.f", "https", "registry.local.lan:5000", "a__b/c-d/e.f")]
    [InlineData("[::1]:5000/x", "https", "[::1]:5000", "x")]
    [InlineData("localhost:5000", "https", "localhost:5000", "")]
    [InlineData("HTTPS://Index.Docker.IO/flavio", "https", "registry-1.docker.io", "flavio")]
    [InlineData("http://[::1]:5102/x", "http", "[::1]:5102", "x")]
    public void Parse_ValidSource_SplitsSchemeAuthorityAndPrefix(string source, string scheme, string authority, string prefix)
    {
        UpstreamSource.Parse("mappings:x", source).Should().Be((scheme, authority, prefix));
    }

    [Theory]
    [InlineData("ftp://quay.io/x", "*scheme 'ftp' is not supported*https://*http://*")]
    [InlineData("ws://quay.io/x", "*scheme 'ws' is not supported*")]
    [InlineData("file:///etc/passwd", "*scheme 'file' is not supported*")]
    [InlineData("", "*empty*[http://]host[:port][/namespace]*")]
    [InlineData("   ", "*empty*")]
    [InlineData(null, "*empty*")]
    [InlineData("/quay.io/x", "*does not parse*[http://]host[:port][/namespace]*")]
    [InlineData("https://", "*does not parse*")]
    [InlineData("quay.io/x?tag=1", "*does not parse*query*")]
    [InlineData("quay.io/x#frag", "*does not parse*")]
    [InlineData("robot:pw@quay.io/x", "*does not parse*credentials*")]
    [InlineData("quay.io\\x", "*does not parse*")]
    [InlineData("quay.io:notaport/x", "*does not parse*")]
    [InlineData("bad host/x", "*does not parse*")]
    [InlineData("quay.io/CoreOS/etcd", "*namespace 'CoreOS/etcd' is not a valid repository name*")]
    [InlineData("quay.io/a//b", "*namespace*not a valid repository name*")]
    public void Parse_BadSource_NamesKeyAndFix(string? source, string message)
    {
        var act = () => UpstreamSource.Parse("mappings:etcd", source);

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "mappings:etcd")
            .WithMessage("Invalid configuration at 'mappings:etcd': *")
            .WithMessage(message);
    }

    [Theory]
    [InlineData("quay.io/a/../b")]
    [InlineData("quay.io/a/./b")]
    [InlineData("quay.io/../b")]
    [InlineData("quay.io/a/%2e%2e/b")]
    [InlineData("quay.io/a%2fb")]
    [InlineData("http://127.0.0.1:5102/a/../b")]
    public void Parse_DotSegmentsOrEscapes_AreNotSilentlyResolved(string source)
    {
        // Uri would turn "a/../b" into "b": a typo must not point a mount at another namespace.
        var act = () => UpstreamSource.Parse("mappings:x", source);

        act.Should().Throw<CollageConfigException>().WithMessage("*namespace*not a valid repository name*");
    }
}
