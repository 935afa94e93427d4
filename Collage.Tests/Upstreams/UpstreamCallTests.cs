using Collage.Transforms.Registry;
using Collage.Transforms.Upstreams;

namespace Collage.Tests.Upstreams;

public sealed class UpstreamCallTests
{
    [Theory]
    [InlineData("/v2/alpine/manifests/latest", "repository:alpine:pull")]
    [InlineData("/v2/library/alpine/manifests/sha256:abc", "repository:library/alpine:pull")]
    [InlineData("/v2/a/b/c/blobs/sha256:0123", "repository:a/b/c:pull")]
    [InlineData("/v2/my-app/tags/list", "repository:my-app:pull")]
    [InlineData("/v2/foo.bar__baz/referrers/sha256:0123", "repository:foo.bar__baz:pull")]
    [InlineData("/v2/foo/manifests/manifests", "repository:foo:pull")]
    [InlineData("/v2/_catalog", "registry:catalog:*")]
    public void Scope_ReadPaths_NeedPullOrCatalog(string path, string scope)
    {
        UpstreamCalls.ForPath(path)!.Scope.Should().Be(scope);
    }

    [Theory]
    [InlineData("/v2/")]
    [InlineData("/v2")]
    [InlineData("/v2/foo/blobs/uploads/1234")]
    [InlineData("/v2/Foo/manifests/latest")]
    [InlineData("/v2/foo:bar/manifests/latest")]
    [InlineData("/v2/foo/manifests/")]
    [InlineData("/v2//manifests/latest")]
    [InlineData("/v3/foo/manifests/latest")]
    [InlineData("/v2/_catalog/x")]
    public void Scope_OtherPaths_AreNone(string path)
    {
        UpstreamCalls.ForPath(path)?.Scope.Should().BeNull();
    }

    [Fact]
    public void On_MarksTheRequest_OfReadsItBack()
    {
        using var unmarked = new HttpRequestMessage(HttpMethod.Get, "http://registry.example/v2/a/manifests/v1");
        UpstreamCall.Of(unmarked).Should().BeNull();

        var call = new UpstreamCall(RegistryRequestKind.Manifest, "team/a");
        using var marked = call.On(new HttpRequestMessage(HttpMethod.Get, "http://registry.example/v2/team/a/manifests/v1"));

        UpstreamCall.Of(marked).Should().BeSameAs(call);
        UpstreamCall.Of(marked)!.Scope.Should().Be("repository:team/a:pull");
        UpstreamCall.Base.Scope.Should().BeNull("for /v2/ only the upstream's challenge can tell");
    }
}
