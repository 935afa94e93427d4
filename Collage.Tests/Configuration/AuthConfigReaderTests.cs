using Collage.Proxy.Configuration;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Configuration;

namespace Collage.Tests.Configuration;

public sealed class AuthConfigReaderTests
{
    private static CollageOptions Read(params (string Key, string? Value)[] entries) =>
        CollageConfigReader.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(entries.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)))
            .Build());

    [Fact]
    public void Read_CredentialsUnderPortKey_WithFileLayeredUnderEnvironment()
    {
        var file = new Dictionary<string, string?>
        {
            ["Collage:Mappings:lab"] = "http://127.0.0.1:5102/lab",
            ["Collage:Upstreams:127.0.0.1:5102:Username"] = "robot",
            ["Collage:Upstreams:127.0.0.1:5102:Password"] = "from-file",
        };
        var prefix = $"COLLAGEAUTH{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "Collage__Upstreams__127.0.0.1:5102__Password", "from-env");
        try
        {
            var options = CollageConfigReader.Read(new ConfigurationBuilder().AddInMemoryCollection(file).AddEnvironmentVariables(prefix).Build());

            options.Upstreams["127.0.0.1:5102"].Username.Should().Be("robot");
            options.Upstreams["127.0.0.1:5102"].Password.Should().Be("from-env", "the environment layers over the file");
            options.Upstreams["127.0.0.1:5102"].Auth.Should().Be(UpstreamAuthMode.Gateway);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Collage__Upstreams__127.0.0.1:5102__Password", null);
        }
    }

    [Theory]
    [InlineData("passthrough", UpstreamAuthMode.Passthrough)]
    [InlineData("PassThrough", UpstreamAuthMode.Passthrough)]
    [InlineData("gateway", UpstreamAuthMode.Gateway)]
    public void Read_AuthMode(string value, UpstreamAuthMode expected) =>
        Read(("Collage:Mappings:x", "quay.io/x"), ("Collage:Upstreams:quay.io:Auth", value)).Upstreams["quay.io"].Auth.Should().Be(expected);

    [Theory]
    [InlineData("Auth", "proxy", "not an auth mode")]
    [InlineData("Password", "p", "without a username")]
    [InlineData("Username", "u", "without password")]
    public void Read_InvalidCombination_NamesKeyNotValue(string key, string value, string problem)
    {
        var read = () => Read(("Collage:Mappings:x", "quay.io/x"), ($"Collage:Upstreams:quay.io:{key}", value));

        read.Should().Throw<CollageConfigException>().Which.Message.Should().Contain(problem);
    }

    [Fact]
    public void Read_PasswordAndPasswordFile_Refused()
    {
        var read = () => Read(
            ("Collage:Mappings:x", "quay.io/x"),
            ("Collage:Upstreams:quay.io:Username", "u"),
            ("Collage:Upstreams:quay.io:Password", "very-secret-value"),
            ("Collage:Upstreams:quay.io:PasswordFile", "/run/secrets/x"));

        var message = read.Should().Throw<CollageConfigException>().Which.Message;
        message.Should().Contain("passwordFile").And.NotContain("very-secret-value");
    }

    [Fact]
    public void Read_PassthroughWithCredentials_Refused()
    {
        var read = () => Read(
            ("Collage:Mappings:x", "quay.io/x"),
            ("Collage:Upstreams:quay.io:Auth", "passthrough"),
            ("Collage:Upstreams:quay.io:IdentityToken", "t"));

        read.Should().Throw<CollageConfigException>().Which.Key.Should().EndWith("Auth");
    }

    [Fact]
    public void Read_PublicUrlAndTrustedProxies()
    {
        var options = Read(
            ("Collage:Mappings:x", "quay.io/x"),
            ("Collage:PublicUrl", "https://registry.example.com/"),
            ("Collage:TrustedProxies:0", "10.0.0.5"),
            ("Collage:TrustedProxies:1", "::1"));

        options.PublicUrl.Should().Be("https://registry.example.com");
        options.TrustedProxies.Should().Equal("10.0.0.5", "::1");
    }

    [Theory]
    [InlineData("Collage:PublicUrl", "registry.example.com")]
    [InlineData("Collage:PublicUrl", "https://u:p@registry.example.com")]
    [InlineData("Collage:TrustedProxies:0", "proxy.lan")]
    public void Read_BadPublicUrlOrProxy_Refused(string key, string value)
    {
        var read = () => Read(("Collage:Mappings:x", "quay.io/x"), (key, value));

        read.Should().Throw<CollageConfigException>();
    }

    [Fact]
    public void UpstreamOptions_ToString_HidesSecrets()
    {
        var text = new UpstreamOptions { Username = "robot", Password = "hunter2-secret", IdentityToken = "refresh-secret" }.ToString();

        text.Should().Contain("robot").And.NotContain("hunter2-secret").And.NotContain("refresh-secret");
    }
}
