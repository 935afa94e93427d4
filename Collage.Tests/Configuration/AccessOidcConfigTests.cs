using Collage.Proxy.Configuration;
using Collage.Transforms.Configuration;
using static Collage.Tests.Configuration.ConfigSources;

namespace Collage.Tests.Configuration;

/// <summary>
/// <c>access:oidc</c> as the reader makes it: absent, every key, the defaults, and each value that stops start-up with
/// the key to fix.
/// </summary>
public sealed class AccessOidcConfigTests : IDisposable
{
    private const string Mapping = "\"mappings\": { \"etcd\": \"quay.io/coreos/etcd\" }";

    private readonly string _directory = Directory.CreateTempSubdirectory("collage-access-oidc-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Read_NoOidcKey_Null()
    {
        ReadAccess("{ \"anonymous\": [\"public/**\"] }").Oidc.Should().BeNull();
    }

    [Fact]
    public void Read_IssuerAndAudience_EveryOtherDefault()
    {
        var oidc = ReadAccess("""{ "oidc": { "issuer": "https://idp.corp.lan", "audience": "collage" } }""").Oidc!;

        oidc.Should().Be(new AccessOidcOptions { Issuer = "https://idp.corp.lan", Audience = "collage" });
        oidc.UserClaim.Should().Be("sub");
        oidc.GroupsClaim.Should().Be("groups");
        oidc.ClockSkew.Should().Be(TimeSpan.FromMinutes(1));
        oidc.MetadataRefresh.Should().Be(TimeSpan.FromHours(1));
    }

    [Fact]
    public void Read_EveryKey_IsRead()
    {
        var oidc = ReadAccess("""
            { "oidc": { "issuer": "https://token.actions.githubusercontent.com", "audience": "https://collage.corp.lan",
                        "userClaim": "repository", "groupsClaim": "repository_owner", "clockSkew": "00:00:00", "metadataRefresh": "06:00:00" } }
            """).Oidc!;

        oidc.Should().Be(new AccessOidcOptions
        {
            Issuer = "https://token.actions.githubusercontent.com",
            Audience = "https://collage.corp.lan",
            UserClaim = "repository",
            GroupsClaim = "repository_owner",
            ClockSkew = TimeSpan.Zero,
            MetadataRefresh = TimeSpan.FromHours(6),
        });
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://127.4.5.6/realms/ci")]
    [InlineData("http://localhost:9000")]
    [InlineData("http://[::1]:9000")]
    [InlineData("https://idp.corp.lan/realms/ci/")]
    public void Read_IssuerHttpsOrLoopback_Kept(string issuer)
    {
        ReadAccess($$"""{ "oidc": { "issuer": "{{issuer}}", "audience": "collage" } }""").Oidc!.Issuer.Should().Be(issuer, "exactly as the tokens' iss");
    }

    [Fact]
    public void Read_KeysInAnyCaseFromMemory_AreRead()
    {
        var oidc = CollageConfigReader.Read(InMemory(
            ("Collage:Mappings:etcd", "quay.io/coreos/etcd"),
            ("Collage:ACCESS:OIDC:ISSUER", "https://idp.corp.lan"),
            ("Collage:access:oidc:audience", "collage"),
            ("Collage:Access:Oidc:UserClaim", "email"))).Access!.Oidc!;

        oidc.Issuer.Should().Be("https://idp.corp.lan");
        oidc.UserClaim.Should().Be("email");
    }

    [Theory]
    [InlineData("""{ "audience": "collage" }""", "issuer", "*issuer is required*")]
    [InlineData("""{ "issuer": "", "audience": "collage" }""", "issuer", "*issuer is required*")]
    [InlineData("""{ "issuer": "idp.corp.lan", "audience": "collage" }""", "issuer", "*not an absolute http(s) URL*")]
    [InlineData("""{ "issuer": "/realms/ci", "audience": "collage" }""", "issuer", "*not an absolute http(s) URL*")]
    [InlineData("""{ "issuer": "ftp://idp.corp.lan", "audience": "collage" }""", "issuer", "*not an absolute http(s) URL*")]
    [InlineData("""{ "issuer": "https://idp.corp.lan?tenant=a", "audience": "collage" }""", "issuer", "*without query*")]
    [InlineData("""{ "issuer": "https://idp.corp.lan#a", "audience": "collage" }""", "issuer", "*without query, fragment*")]
    [InlineData("""{ "issuer": "http://idp.corp.lan", "audience": "collage" }""", "issuer", "*plain http*Use https*")]
    [InlineData("""{ "issuer": "http://10.0.0.5", "audience": "collage" }""", "issuer", "*Use https*")]
    [InlineData("""{ "issuer": "http://localhost.corp.lan", "audience": "collage" }""", "issuer", "*Use https*")]
    [InlineData("""{ "issuer": "http://128.0.0.1", "audience": "collage" }""", "issuer", "*Use https*")]
    [InlineData("""{ "issuer": "https://idp.corp.lan" }""", "audience", "*audience is required*")]
    [InlineData("""{ "issuer": "https://idp.corp.lan", "audience": "" }""", "audience", "*audience is required*")]
    [InlineData("""{ "issuer": "https://idp.corp.lan", "audience": "collage", "userClaim": "" }""", "userClaim", "*cannot be empty*'sub'*")]
    [InlineData("""{ "issuer": "https://idp.corp.lan", "audience": "collage", "groupsClaim": "" }""", "groupsClaim", "*cannot be empty*'groups'*")]
    [InlineData("""{ "issuer": "https://idp.corp.lan", "audience": "collage", "groupsClaim": " roles" }""", "groupsClaim", "*space*")]
    [InlineData("""{ "issuer": "https://idp.corp.lan", "audience": "collage", "clockSkew": "a minute" }""", "clockSkew", "*hh:mm:ss*")]
    [InlineData("""{ "issuer": "https://idp.corp.lan", "audience": "collage", "clockSkew": "01:00:00" }""", "clockSkew", "*at most*")]
    [InlineData("""{ "issuer": "https://idp.corp.lan", "audience": "collage", "metadataRefresh": "00:00:10" }""", "metadataRefresh", "*at least*")]
    [InlineData("""{ "issuer": "https://idp.corp.lan", "audience": "collage", "metadataRefresh": "00:00:00" }""", "metadataRefresh", "*positive*")]
    [InlineData("""{ "issuer": "https://idp.corp.lan", "audience": "collage", "audiences": ["a"] }""", "audiences", "*Did you mean 'Audience'?*")]
    [InlineData("""{ }""", "issuer", "*issuer is required*")]
    [InlineData("""{ "issuer": "https://idp.corp.lan", "audience": "collage", "caFile": "/does/not/exist.crt" }""", "caFile", "*/does/not/exist.crt*CA that signed the issuer's certificate*")]
    public void Read_BadOidcValue_NamesKeyAndFix(string oidc, string key, string message)
    {
        var act = () => ReadAccess($$"""{ "oidc": {{oidc}} }""");

        act.Should().Throw<CollageConfigException>()
            .Where(e => string.Equals(e.Key, $"Collage:access:oidc:{key}", StringComparison.OrdinalIgnoreCase))
            .WithMessage(message);
    }

    [Fact]
    public void Read_CaFileWithACertificate_Kept()
    {
        using var ca = Common.TestCertificates.CreateCa();
        var path = Path.Combine(_directory, "ca.crt");
        Common.TestCertificates.WritePem(ca, path);

        ReadAccess($$"""{ "oidc": { "issuer": "https://idp.corp.lan", "audience": "collage", "caFile": "{{path}}" } }""").Oidc!.CaFile.Should().Be(path);
    }

    [Fact]
    public void Read_CaFileWithoutACertificate_NamesKey()
    {
        var path = Path.Combine(_directory, "empty.crt");
        System.IO.File.WriteAllText(path, "not a certificate\n");

        var act = () => ReadAccess($$"""{ "oidc": { "issuer": "https://idp.corp.lan", "audience": "collage", "caFile": "{{path}}" } }""");

        act.Should().Throw<CollageConfigException>().Where(e => string.Equals(e.Key, "Collage:access:oidc:caFile", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Read_OidcIsAValue_NamesKey()
    {
        var act = () => ReadAccess("""{ "oidc": "https://idp.corp.lan" }""");

        act.Should().Throw<CollageConfigException>()
            .Where(e => string.Equals(e.Key, "Collage:access:oidc", StringComparison.OrdinalIgnoreCase))
            .WithMessage("*expected an object*issuer*");
    }

    private AccessOptions ReadAccess(string access) =>
        CollageConfigReader.Read(ConfigSources.File(_directory, $"{{ {Mapping}, \"access\": {access} }}")).Access!;
}
