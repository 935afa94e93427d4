using Collage.Transforms.Mounts;
using Collage.Transforms.Rewriting;

namespace Collage.Tests.Rewriting;

public sealed class LinkRewriterTests
{
    private static readonly Upstream Quay = new("https://quay.io", new Uri("https://quay.io/"), "quay.io", false);
    private static readonly Upstream Local = new("http://127.0.0.1:5102", new Uri("http://127.0.0.1:5102/"), "127.0.0.1:5102", false);

    [Theory]
    [InlineData("/v2/coreos/etcd/tags/list?n=2&last=v1", "/v2/etcd/tags/list?n=2&last=v1")]
    [InlineData("/v2/coreos/etcd/blobs/uploads/abc", "/v2/etcd/blobs/uploads/abc")]
    [InlineData("https://quay.io/v2/coreos/etcd/tags/list?n=2&last=v1", "/v2/etcd/tags/list?n=2&last=v1")]
    [InlineData("https://QUAY.IO/v2/coreos/etcd/tags/list", "/v2/etcd/tags/list")]
    [InlineData("https://quay.io:443/v2/coreos/etcd/tags/list", "/v2/etcd/tags/list")]
    [InlineData("http://quay.io/v2/coreos/etcd/manifests/latest", "/v2/etcd/manifests/latest")]
    public void RewriteUri_LinkIntoRepository_BecomesLocalPath(string value, string expected)
    {
        LinkRewriter.RewriteUri(value, Quay, "coreos/etcd", "etcd").Should().Be(expected);
    }

    [Theory]
    [InlineData("https://cdn.quay.io/v2/coreos/etcd/blobs/x")]
    [InlineData("https://quay.io.evil/v2/coreos/etcd/tags/list")]
    [InlineData("https://quay.io:8443/v2/coreos/etcd/tags/list")]
    [InlineData("//quay.io/v2/coreos/etcd/tags/list")]
    [InlineData("//evil.example/v2/coreos/etcd/tags/list")]
    [InlineData("/v2/coreos/etcdx/tags/list")]
    [InlineData("/v2/coreos/etcd")]
    [InlineData("/v2/coreos/tags/list")]
    [InlineData("/v2/_catalog?n=1")]
    [InlineData("/other/coreos/etcd/tags/list")]
    [InlineData("tags/list?n=1")]
    [InlineData("ftp://quay.io/v2/coreos/etcd/tags/list")]
    [InlineData("")]
    public void RewriteUri_LinkElsewhere_IsNull(string value)
    {
        LinkRewriter.RewriteUri(value, Quay, "coreos/etcd", "etcd").Should().BeNull();
    }

    [Theory]
    [InlineData("http://127.0.0.1:5102/v2/foo/x/tags/list?last=b", "/v2/local/x/tags/list?last=b")]
    [InlineData("http://127.0.0.1:5103/v2/foo/x/tags/list?last=b", null)]
    [InlineData("http://127.0.0.1/v2/foo/x/tags/list?last=b", null)]
    public void RewriteUri_UpstreamWithPort_MatchesAuthorityWithPort(string value, string? expected)
    {
        LinkRewriter.RewriteUri(value, Local, "foo/x", "local/x").Should().Be(expected);
    }

    [Theory]
    [InlineData("</v2/coreos/etcd/tags/list?n=2&last=v1>; rel=\"next\"", "</v2/etcd/tags/list?n=2&last=v1>; rel=\"next\"")]
    [InlineData("<https://quay.io/v2/coreos/etcd/tags/list?n=2&last=v1>; rel=\"next\"", "</v2/etcd/tags/list?n=2&last=v1>; rel=\"next\"")]
    [InlineData("</v2/coreos/etcd/tags/list?last=v1>;rel=next", "</v2/etcd/tags/list?last=v1>;rel=next")]
    [InlineData("</v2/coreos/etcd/tags/list?last=v1>", "</v2/etcd/tags/list?last=v1>")]
    [InlineData("</v2/coreos/etcd/tags/list?last=v1>; rel=\"next\"; title=\"page 2\"  ", "</v2/etcd/tags/list?last=v1>; rel=\"next\"; title=\"page 2\"")]
    public void RewriteLinkHeader_SingleLink_IsRewritten(string header, string expected)
    {
        LinkRewriter.RewriteLinkHeader(header, Quay, "coreos/etcd", "etcd").Should().Be(expected);
    }

    [Fact]
    public void RewriteLinkHeader_SeveralLinkValues_RewritesEachAndDropsOtherHosts()
    {
        const string header = "</v2/coreos/etcd/tags/list?last=v1>; rel=\"next\", <https://docs.quay.io/api>; rel=\"help\", "
            + "<https://quay.io/v2/coreos/etcd/tags/list?last=a>; rel=\"prev\"";

        LinkRewriter.RewriteLinkHeader(header, Quay, "coreos/etcd", "etcd")
            .Should().Be("</v2/etcd/tags/list?last=v1>; rel=\"next\", </v2/etcd/tags/list?last=a>; rel=\"prev\"");
    }

    [Fact]
    public void RewriteLinkHeader_FirstValueDropped_KeepsLaterValue()
    {
        const string header = "<https://evil.example/x>; rel=\"prev\",</v2/coreos/etcd/tags/list?last=v1>; rel=\"next\"";

        LinkRewriter.RewriteLinkHeader(header, Quay, "coreos/etcd", "etcd").Should().Be("</v2/etcd/tags/list?last=v1>; rel=\"next\"");
    }

    [Fact]
    public void RewriteLinkHeader_CommaInsideUri_DoesNotSplitValue()
    {
        const string header = "</v2/coreos/etcd/tags/list?last=a,b>; rel=\"next\"";

        LinkRewriter.RewriteLinkHeader(header, Quay, "coreos/etcd", "etcd").Should().Be("</v2/etcd/tags/list?last=a,b>; rel=\"next\"");
    }

    [Theory]
    [InlineData("<https://cdn.example/x>; rel=\"next\"")]
    [InlineData("</v2/other/repo/tags/list>; rel=\"next\"")]
    [InlineData("garbage")]
    [InlineData("<unterminated")]
    [InlineData("")]
    public void RewriteLinkHeader_NothingLeft_IsNull(string header)
    {
        LinkRewriter.RewriteLinkHeader(header, Quay, "coreos/etcd", "etcd").Should().BeNull();
    }

    [Fact]
    public void RewriteLinkHeader_DockerHubOfficialImage_UsesLocalName()
    {
        var hub = new Upstream("https://registry-1.docker.io", new Uri("https://registry-1.docker.io/"), "registry-1.docker.io", true);

        LinkRewriter.RewriteLinkHeader("</v2/library/nginx/tags/list?last=1.25&n=2>; rel=\"next\"", hub, "library/nginx", "hub/nginx")
            .Should().Be("</v2/hub/nginx/tags/list?last=1.25&n=2>; rel=\"next\"");
    }
}
