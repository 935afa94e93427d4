using Collage.Transforms.Mounts;
using Collage.Transforms.Rewriting;

namespace Collage.Tests.Rewriting;

public sealed class LinkRewriterMirrorTests
{
    private static readonly Upstream Quay = new("https://quay.io", new Uri("https://quay.io/"), "quay.io", false);

    [Theory]
    [InlineData("https://quay.io/v2/coreos/etcd/tags/list?n=2&last=v1", "/v2/etcd/tags/list?n=2&last=v1&ns=quay.io")]
    [InlineData("/v2/coreos/etcd/referrers/sha256:ab", "/v2/etcd/referrers/sha256:ab?ns=quay.io")]
    public void RewriteUri_MirrorClient_LinkKeepsItsNs(string value, string expected)
    {
        LinkRewriter.RewriteUri(value, Quay, "coreos/etcd", "etcd", "quay.io").Should().Be(expected);
    }

    [Fact]
    public void RewriteLinkHeader_MirrorClient_EveryLinkKeepsItsNs()
    {
        var header = "</v2/coreos/etcd/tags/list?n=1&last=a>; rel=\"next\", <https://quay.io/v2/coreos/etcd/tags/list>; rel=\"first\"";

        LinkRewriter.RewriteLinkHeader(header, Quay, "coreos/etcd", "etcd", "registry.lan:5000").Should().Be(
            "</v2/etcd/tags/list?n=1&last=a&ns=registry.lan%3A5000>; rel=\"next\", </v2/etcd/tags/list?ns=registry.lan%3A5000>; rel=\"first\"");
    }

    [Fact]
    public void RewriteUri_LinkElsewhere_StaysNullWithNs()
    {
        LinkRewriter.RewriteUri("https://cdn.quay.io/v2/coreos/etcd/blobs/x", Quay, "coreos/etcd", "etcd", "quay.io").Should().BeNull();
    }
}
