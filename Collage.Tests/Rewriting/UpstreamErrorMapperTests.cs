using System.Text;
using System.Text.Json;
using Collage.Transforms.Registry;
using Collage.Transforms.Rewriting;

namespace Collage.Tests.Rewriting;

public sealed class UpstreamErrorMapperTests
{
    private const string Digest = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static readonly RegistryRequest Manifest = new(RegistryRequestKind.Manifest, "etcd", "latest");

    private static RegistryRequest Request(RegistryRequestKind kind) =>
        new(kind, "etcd", kind is RegistryRequestKind.Tags ? null : kind is RegistryRequestKind.Manifest ? "latest" : Digest);

    private static byte[] Body(string code, string message = "upstream secret https://internal.lan/token?x=1") =>
        Encoding.UTF8.GetBytes($"{{\"errors\":[{{\"code\":\"{code}\",\"message\":\"{message}\",\"detail\":{{\"name\":\"coreos/etcd\"}}}}]}}");

    [Theory]
    [InlineData("BLOB_UNKNOWN", 404)]
    [InlineData("MANIFEST_UNKNOWN", 404)]
    [InlineData("NAME_UNKNOWN", 404)]
    [InlineData("NAME_INVALID", 400)]
    [InlineData("DIGEST_INVALID", 400)]
    [InlineData("MANIFEST_INVALID", 400)]
    [InlineData("MANIFEST_BLOB_UNKNOWN", 404)]
    [InlineData("TAG_INVALID", 400)]
    [InlineData("UNAUTHORIZED", 401)]
    [InlineData("DENIED", 403)]
    [InlineData("UNSUPPORTED", 405)]
    [InlineData("TOOMANYREQUESTS", 429)]
    public void Map_SpecCode_IsKeptWithOwnMessage(string code, int status)
    {
        var error = UpstreamErrorMapper.Map(status, Manifest, Body(code));

        error.StatusCode.Should().Be(status);
        error.Code.Should().Be(code);
        error.Name.Should().Be("etcd");
        error.Message.Should().NotContain("secret").And.NotContain("internal.lan").And.NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Map_DistributionsPaginationCode_IsTheSpecsUnsupported()
    {
        var error = UpstreamErrorMapper.Map(400, Request(RegistryRequestKind.Tags), Body("PAGINATION_NUMBER_INVALID"));

        error.StatusCode.Should().Be(400);
        error.Code.Should().Be("UNSUPPORTED", "the spec's codes are a closed list and distribution's own is not on it");
    }

    [Theory]
    [InlineData(404, RegistryRequestKind.Manifest, "MANIFEST_UNKNOWN")]
    [InlineData(404, RegistryRequestKind.Blob, "BLOB_UNKNOWN")]
    [InlineData(404, RegistryRequestKind.Tags, "NAME_UNKNOWN")]
    [InlineData(404, RegistryRequestKind.Referrers, "UNSUPPORTED")]
    [InlineData(401, RegistryRequestKind.Manifest, "UNAUTHORIZED")]
    [InlineData(403, RegistryRequestKind.Blob, "DENIED")]
    [InlineData(429, RegistryRequestKind.Tags, "TOOMANYREQUESTS")]
    [InlineData(400, RegistryRequestKind.Manifest, "UNSUPPORTED")]
    [InlineData(405, RegistryRequestKind.Manifest, "UNSUPPORTED")]
    public void Map_NoSpecCode_StatusAndEndpointDecide(int status, RegistryRequestKind kind, string code)
    {
        var error = UpstreamErrorMapper.Map(status, Request(kind), []);

        error.StatusCode.Should().Be(status);
        error.Code.Should().Be(code);
    }

    [Theory]
    [InlineData("404 page not found")]
    [InlineData("<html><body>Not Found</body></html>")]
    [InlineData("{not json")]
    [InlineData("{\"errors\":[]}")]
    [InlineData("{\"errors\":\"x\"}")]
    [InlineData("{\"errors\":[{\"code\":42}]}")]
    [InlineData("{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"x\"}]}")]
    [InlineData("{\"errors\":[{\"code\":\"manifest_unknown\"}]}")]
    [InlineData("{\"message\":\"no such thing\"}")]
    [InlineData("[]")]
    public void Map_NonSpecBody_FallsBackToStatus(string body)
    {
        var error = UpstreamErrorMapper.Map(404, Manifest, Encoding.UTF8.GetBytes(body));

        error.StatusCode.Should().Be(404);
        error.Code.Should().Be("MANIFEST_UNKNOWN");
    }

    [Theory]
    [InlineData(500)]
    [InlineData(501)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(599)]
    public void Map_ServerError_Is502Unavailable(int status)
    {
        var error = UpstreamErrorMapper.Map(status, Manifest, Body("MANIFEST_UNKNOWN"));

        error.StatusCode.Should().Be(502);
        error.Code.Should().Be("UNAVAILABLE");
        error.Message.Should().NotContain("secret");
    }

    [Fact]
    public void Map_GatewayTimeout_Stays504()
    {
        var error = UpstreamErrorMapper.Map(504, Manifest, []);

        error.StatusCode.Should().Be(504);
        error.Code.Should().Be("UNAVAILABLE");
    }

    [Fact]
    public void Map_ReferrersNotFound_Is404Unsupported()
    {
        var error = UpstreamErrorMapper.Map(404, Request(RegistryRequestKind.Referrers), Encoding.UTF8.GetBytes("404 page not found"));

        error.StatusCode.Should().Be(404);
        error.Code.Should().Be("UNSUPPORTED");
    }

    [Fact]
    public void Map_RangeNotSatisfiable_KeepsStatusWithRangeMessage()
    {
        var error = UpstreamErrorMapper.Map(416, Request(RegistryRequestKind.Blob), []);

        error.StatusCode.Should().Be(416);
        error.Message.Should().Contain("range");
    }

    [Fact]
    public void Map_Body_IsSpecShapedWithLocalName()
    {
        var error = UpstreamErrorMapper.Map(404, Manifest, Body("MANIFEST_UNKNOWN"));

        using var document = JsonDocument.Parse(error.ToUtf8Json());
        var first = document.RootElement.GetProperty("errors")[0];
        first.GetProperty("code").GetString().Should().Be("MANIFEST_UNKNOWN");
        first.GetProperty("message").GetString().Should().Be("manifest unknown to registry");
        first.GetProperty("detail").GetProperty("name").GetString().Should().Be("etcd");
        Encoding.UTF8.GetString(error.ToUtf8Json()).Should().NotContain("coreos");
    }
}
