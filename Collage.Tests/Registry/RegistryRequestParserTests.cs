using Collage.Transforms.Registry;

namespace Collage.Tests.Registry;

public sealed class RegistryRequestParserTests
{
    private const string Sha256 = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    [Theory]
    [InlineData("/v2")]
    [InlineData("/v2/")]
    [InlineData("/v2/?x=1")]
    [InlineData("/v2?x=1")]
    public void Parse_BasePath_IsBase(string target)
    {
        var (request, error) = RegistryRequestParser.Parse(target);

        error.Should().BeNull();
        request.Should().BeSameAs(RegistryRequest.BaseRequest);
    }

    [Theory]
    [InlineData("/v2/_catalog")]
    [InlineData("/v2/_catalog?n=10&last=a")]
    public void Parse_Catalog_IsCatalog(string target)
    {
        var (request, error) = RegistryRequestParser.Parse(target);

        error.Should().BeNull();
        request!.Kind.Should().Be(RegistryRequestKind.Catalog);
        request.Name.Should().BeEmpty();
    }

    [Theory]
    [InlineData("/v2/etcd/manifests/latest", RegistryRequestKind.Manifest, "etcd", "latest")]
    [InlineData("/v2/cool/stuff/x/manifests/v3.5.0", RegistryRequestKind.Manifest, "cool/stuff/x", "v3.5.0")]
    [InlineData("/v2/etcd/manifests/" + Sha256, RegistryRequestKind.Manifest, "etcd", Sha256)]
    [InlineData("/v2/etcd/blobs/" + Sha256, RegistryRequestKind.Blob, "etcd", Sha256)]
    [InlineData("/v2/etcd/tags/list", RegistryRequestKind.Tags, "etcd", null)]
    [InlineData("/v2/etcd/tags/list?n=2&last=v1", RegistryRequestKind.Tags, "etcd", null)]
    [InlineData("/v2/etcd/referrers/" + Sha256, RegistryRequestKind.Referrers, "etcd", Sha256)]
    [InlineData("/v2/etcd/referrers/" + Sha256 + "?artifactType=x", RegistryRequestKind.Referrers, "etcd", Sha256)]
    [InlineData("/v2/a.b/c_d/e__f/g-h/manifests/_tag", RegistryRequestKind.Manifest, "a.b/c_d/e__f/g-h", "_tag")]
    public void Parse_RepositoryEndpoint_ParsesKindNameAndReference(string target, RegistryRequestKind kind, string name, string? reference)
    {
        var (request, error) = RegistryRequestParser.Parse(target);

        error.Should().BeNull();
        request.Should().Be(new RegistryRequest(kind, name, reference));
    }

    [Theory]
    [InlineData("/v2/manifests/manifests/latest", "manifests", RegistryRequestKind.Manifest)]
    [InlineData("/v2/a/manifests/b/manifests/latest", "a/manifests/b", RegistryRequestKind.Manifest)]
    [InlineData("/v2/blobs/blobs/" + Sha256, "blobs", RegistryRequestKind.Blob)]
    [InlineData("/v2/a/blobs/manifests/latest", "a/blobs", RegistryRequestKind.Manifest)]
    [InlineData("/v2/a/manifests/blobs/" + Sha256, "a/manifests", RegistryRequestKind.Blob)]
    [InlineData("/v2/tags/list/tags/list", "tags/list", RegistryRequestKind.Tags)]
    [InlineData("/v2/a/manifests/tags/list", "a/manifests", RegistryRequestKind.Tags)]
    [InlineData("/v2/referrers/referrers/" + Sha256, "referrers", RegistryRequestKind.Referrers)]
    public void Parse_NameWithEndpointComponents_ParsesFromTheEnd(string target, string name, RegistryRequestKind kind)
    {
        var (request, error) = RegistryRequestParser.Parse(target);

        error.Should().BeNull();
        request!.Kind.Should().Be(kind);
        request.Name.Should().Be(name);
    }

    [Theory]
    [InlineData("/v2/../etc/manifests/latest")]
    [InlineData("/v2/a/../b/manifests/latest")]
    [InlineData("/v2/a/./b/manifests/latest")]
    [InlineData("/v2/a/%2e%2e/b/manifests/latest")]
    [InlineData("/v2/a/%2E%2E/b/manifests/latest")]
    [InlineData("/v2/a/.%2e/b/manifests/latest")]
    [InlineData("/v2/%2e%2e/manifests/latest")]
    [InlineData("/v2/a%2fb/manifests/latest")]
    [InlineData("/v2/a%2Fb/manifests/latest")]
    [InlineData("/v2/a%5cb/manifests/latest")]
    [InlineData("/v2/a%252fb/manifests/latest")]
    [InlineData("/v2/a\\b/manifests/latest")]
    [InlineData("/v2/a\\..\\b/manifests/latest")]
    [InlineData("/v2//a/manifests/latest")]
    [InlineData("/v2/a//b/manifests/latest")]
    [InlineData("/v2/a/manifests//latest")]
    [InlineData("/v2/a/tags/list/")]
    [InlineData("/v2/Etcd/manifests/latest")]
    [InlineData("/v2/cool/Stuff/tags/list")]
    [InlineData("/v2/%45tcd/manifests/latest")]
    [InlineData("/v2/-etcd/manifests/latest")]
    [InlineData("/v2/etcd-/manifests/latest")]
    [InlineData("/v2/e___tcd/manifests/latest")]
    [InlineData("/v2/e..tcd/manifests/latest")]
    [InlineData("/v2/e%20tcd/manifests/latest")]
    [InlineData("/v2/_catalog/tags/list")]
    [InlineData("/v2/_catalog/manifests/latest")]
    [InlineData("/v3/etcd/manifests/latest")]
    [InlineData("http://evil.example/v2/etcd/manifests/latest")]
    [InlineData("*")]
    [InlineData("")]
    public void Parse_InvalidName_IsNameInvalid400(string target)
    {
        var (request, error) = RegistryRequestParser.Parse(target);

        request.Should().BeNull();
        error!.StatusCode.Should().Be(400);
        error.Code.Should().Be("NAME_INVALID");
    }

    [Fact]
    public void Parse_NameLongerThanCap_IsNameInvalid()
    {
        var name = string.Join('/', Enumerable.Repeat("abcdefghij", 24)); // 263 characters

        RegistryRequestParser.Parse($"/v2/{name}/tags/list").Error!.Code.Should().Be("NAME_INVALID");
        RegistryRequestParser.Parse($"/v2/{name[..255]}/tags/list").Error.Should().BeNull();
    }

    [Theory]
    [InlineData("/v2x")]
    [InlineData("/v2x/etcd/manifests/latest")]
    [InlineData("/v2/etcd")]
    [InlineData("/v2/etcd/manifests")]
    [InlineData("/v2/etcd/tags")]
    [InlineData("/v2/etcd/tags/lists")]
    [InlineData("/v2/etcd/foo/bar")]
    [InlineData("/v2/etcd/blobs/uploads/0f2a")]
    [InlineData("/v2/etcd/manifest/latest")]
    [InlineData("/v2/_catalogue")]
    [InlineData("/v2/token")]
    public void Parse_UnknownEndpoint_Is404(string target)
    {
        var (request, error) = RegistryRequestParser.Parse(target);

        request.Should().BeNull();
        error!.StatusCode.Should().Be(404);
        error.Code.Should().Be("UNSUPPORTED");
    }

    [Theory]
    [InlineData("/v2/etcd/blobs/latest")]
    [InlineData("/v2/etcd/blobs/sha256:abc")]
    [InlineData("/v2/etcd/blobs/sha256:9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08")]
    [InlineData("/v2/etcd/blobs/sha512:abc")]
    [InlineData("/v2/etcd/blobs/SHA256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    [InlineData("/v2/etcd/manifests/sha256:abc")]
    [InlineData("/v2/etcd/manifests/sha256:")]
    [InlineData("/v2/etcd/manifests/:abc")]
    [InlineData("/v2/etcd/referrers/latest")]
    [InlineData("/v2/etcd/referrers/sha256:0000")]
    public void Parse_InvalidDigest_IsDigestInvalid(string target)
    {
        var (request, error) = RegistryRequestParser.Parse(target);

        request.Should().BeNull();
        error!.StatusCode.Should().Be(400);
        error.Code.Should().Be("DIGEST_INVALID");
        error.Name.Should().Be("etcd");
    }

    [Theory]
    [InlineData("/v2/etcd/manifests/-latest")]
    [InlineData("/v2/etcd/manifests/.latest")]
    [InlineData("/v2/etcd/manifests/lat+est")]
    [InlineData("/v2/etcd/manifests/.INVALID_MANIFEST_NAME")]
    public void Parse_InvalidTag_IsManifestUnknown(string target)
    {
        var (request, error) = RegistryRequestParser.Parse(target);

        request.Should().BeNull();
        error!.StatusCode.Should().Be(404);
        error.Code.Should().Be("MANIFEST_UNKNOWN");
    }

    [Fact]
    public void Parse_TagLongerThan128_IsManifestUnknown()
    {
        RegistryRequestParser.Parse($"/v2/etcd/manifests/{new string('a', 128)}").Error.Should().BeNull();
        RegistryRequestParser.Parse($"/v2/etcd/manifests/{new string('a', 129)}").Error!.Code.Should().Be("MANIFEST_UNKNOWN");
    }

    [Fact]
    public void Parse_EncodedColonInDigest_IsAccepted()
    {
        var (request, error) = RegistryRequestParser.Parse("/v2/etcd/blobs/" + Sha256.Replace(":", "%3A", StringComparison.Ordinal));

        error.Should().BeNull();
        request!.Reference.Should().Be(Sha256);
    }

    [Theory]
    [InlineData(RegistryRequestKind.Manifest, "latest", "/v2/coreos/etcd/manifests/latest")]
    [InlineData(RegistryRequestKind.Blob, Sha256, "/v2/coreos/etcd/blobs/" + Sha256)]
    [InlineData(RegistryRequestKind.Tags, null, "/v2/coreos/etcd/tags/list")]
    [InlineData(RegistryRequestKind.Referrers, Sha256, "/v2/coreos/etcd/referrers/" + Sha256)]
    public void PathFor_UpstreamName_KeepsEndpoint(RegistryRequestKind kind, string? reference, string expected)
    {
        new RegistryRequest(kind, "etcd", reference).PathFor("coreos/etcd").Should().Be(expected);
    }

    [Theory]
    [InlineData("/v2/etcd/manifests/bad tag", RegistryRequestKind.Manifest, "etcd")]
    [InlineData("/v2/etcd/blobs/sha256:0123", RegistryRequestKind.Blob, "etcd")]
    [InlineData("/v2/Etcd/manifests/latest", RegistryRequestKind.Manifest, null)]
    [InlineData("/v2/a/../b/tags/list", RegistryRequestKind.Tags, null)]
    [InlineData("/v2/a/uploads/x", RegistryRequestKind.Unknown, null)]
    public void Parse_RefusedTarget_StillNamesTheEndpointAndAValidName(string target, RegistryRequestKind kind, string? name)
    {
        var parsed = RegistryRequestParser.Parse(target);

        parsed.Request.Should().BeNull();
        parsed.Error.Should().NotBeNull();
        parsed.Kind.Should().Be(kind, "a refused request is still counted as the endpoint it asked for");
        parsed.Name.Should().Be(name);
    }
}
