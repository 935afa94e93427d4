using Collage.Transforms.Authentication;

namespace Collage.Tests.Authentication;

public class RegistryScopeTests
{
    [Theory]
    [InlineData("/v2/alpine/manifests/latest", "repository:alpine:pull")]
    [InlineData("/v2/library/alpine/manifests/sha256:abc", "repository:library/alpine:pull")]
    [InlineData("/v2/a/b/c/blobs/sha256:0123", "repository:a/b/c:pull")]
    [InlineData("/v2/my-app/tags/list", "repository:my-app:pull")]
    [InlineData("/v2/foo.bar__baz/referrers/sha256:0123", "repository:foo.bar__baz:pull")]
    [InlineData("/v2/foo/manifests/manifests", "repository:foo:pull")]
    [InlineData("/v2/_catalog", "registry:catalog:*")]
    public void FromPath_ReadPaths_ReturnScope(string path, string scope)
    {
        RegistryScope.FromPath(path).Should().Be(scope);
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
    public void FromPath_OtherPaths_ReturnNull(string path)
    {
        RegistryScope.FromPath(path).Should().BeNull();
    }

    [Fact]
    public void Split_SeveralScopes_SplitsOnSpaces()
    {
        RegistryScope.Split(" repository:a:pull  repository:b:pull,push ").Should().Equal("repository:a:pull", "repository:b:pull,push");
    }
}
