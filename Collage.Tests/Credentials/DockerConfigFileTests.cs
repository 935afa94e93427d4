using System.Text;
using Collage.Transforms.Configuration;
using Collage.Transforms.Credentials;

namespace Collage.Tests.Credentials;

public sealed class DockerConfigFileTests
{
    private static string Auth(string userPass) => Convert.ToBase64String(Encoding.UTF8.GetBytes(userPass));

    [Theory]
    [InlineData("https://index.docker.io/v1/", "registry-1.docker.io")]
    [InlineData("docker.io", "registry-1.docker.io")]
    [InlineData("127.0.0.1:5000", "127.0.0.1:5000")]
    [InlineData("http://127.0.0.1:5000/v2/", "127.0.0.1:5000")]
    [InlineData("Quay.IO", "quay.io")]
    public void NormalizeKey(string key, string expected) => DockerConfigFile.NormalizeKey(key).Should().Be(expected);

    [Fact]
    public void Parse_AuthsWithBareAndUrlKeys_PasswordWithColonKept()
    {
        var json = $$"""
            {
              "auths": {
                "https://index.docker.io/v1/": { "auth": "{{Auth("hubuser:hub:pass")}}" },
                "127.0.0.1:5000": { "username": "lab", "password": "labpass" },
                "ghcr.io": { "identitytoken": "refresh-me" },
                "helper.example": {}
              },
              "credsStore": "desktop"
            }
            """;

        var auths = DockerConfigFile.Parse(Encoding.UTF8.GetBytes(json), "config.json");

        auths.Keys.Should().BeEquivalentTo("registry-1.docker.io", "127.0.0.1:5000", "ghcr.io");
        auths["registry-1.docker.io"].Username.Should().Be("hubuser");
        auths["registry-1.docker.io"].Password.Should().Be("hub:pass", "only the first colon separates user and password (RFC 7617)");
        auths["127.0.0.1:5000"].Password.Should().Be("labpass");
        auths["ghcr.io"].IdentityToken.Should().Be("refresh-me");
        auths["ghcr.io"].HasPassword.Should().BeFalse();
    }

    [Fact]
    public void Parse_NotJson_MessageQuotesNothing()
    {
        var parse = () => DockerConfigFile.Parse("{\"auths\": {\"x\": {\"auth\": \"c2VjcmV0\"}"u8.ToArray(), "config.json");

        parse.Should().Throw<CollageConfigException>().Which.Message.Should().NotContain("c2VjcmV0");
    }

    [Fact]
    public void Locate_PrefersConfiguredThenDockerConfigThenHome()
    {
        DockerConfigFile.Locate("/etc/collage/docker.json", _ => null).Should().Be("/etc/collage/docker.json");
        DockerConfigFile.Locate(null, _ => null).Should().BeNull();
        DockerConfigFile.Locate(null, name => name == "HOME" ? "/nonexistent-home" : null).Should().BeNull("a default file that does not exist is no error");

        var directory = Directory.CreateTempSubdirectory("collage-docker-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "config.json"), "{}");
            DockerConfigFile.Locate(null, name => name == "DOCKER_CONFIG" ? directory.FullName : "/nonexistent-home")
                .Should().Be(Path.Combine(directory.FullName, "config.json"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Resolver_ConfiguredBeatsDockerConfig_PassthroughGetsNone_PasswordFileTrimmed()
    {
        var directory = Directory.CreateTempSubdirectory("collage-docker-");
        try
        {
            var dockerConfig = Path.Combine(directory.FullName, "config.json");
            File.WriteAllText(dockerConfig, "{\"auths\": {\"quay.io\": {\"auth\": \"" + Auth("docker:dockerpass") + "\"}}}");
            var passwordFile = Path.Combine(directory.FullName, "pw");
            File.WriteAllText(passwordFile, "filepass\n");
            // No DOCKER_CONFIG and no HOME: only the configured file can be found.
            var resolver = new UpstreamCredentialResolver(_ => null);

            resolver.Resolve("quay.io", new UpstreamOptions(), dockerConfig)!.Username.Should().Be("docker");
            resolver.Resolve("quay.io", new UpstreamOptions { Username = "u", PasswordFile = passwordFile }, dockerConfig)!.Password.Should().Be("filepass");
            resolver.Resolve("quay.io", new UpstreamOptions { Auth = UpstreamAuthMode.Passthrough }, dockerConfig).Should().BeNull();
            resolver.Resolve("ghcr.io", new UpstreamOptions(), dockerConfig).Should().BeNull();
            resolver.Resolve("quay.io", new UpstreamOptions(), dockerConfig: null).Should().BeNull("without a configured file and without a default one there is none");

            var missing = () => resolver.Resolve("quay.io", new UpstreamOptions { Username = "u", PasswordFile = Path.Combine(directory.FullName, "nope") }, dockerConfig);
            missing.Should().Throw<CollageConfigException>().Which.Key.Should().Be("upstreams:quay.io:passwordFile");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Resolver_DockerConfigRewritten_ReadsTheNewVersion()
    {
        var directory = Directory.CreateTempSubdirectory("collage-docker-");
        try
        {
            var dockerConfig = Path.Combine(directory.FullName, "config.json");
            File.WriteAllText(dockerConfig, "{\"auths\": {\"quay.io\": {\"auth\": \"" + Auth("first:one") + "\"}}}");
            var resolver = new UpstreamCredentialResolver(_ => null);
            resolver.Resolve("quay.io", new UpstreamOptions(), dockerConfig)!.Username.Should().Be("first");

            // Kept per version of the file: a rewrite (here of another size) is read again when a client is next built.
            File.WriteAllText(dockerConfig, "{\"auths\": {\"quay.io\": {\"auth\": \"" + Auth("second-user:two") + "\"}}}");

            resolver.Resolve("quay.io", new UpstreamOptions(), dockerConfig)!.Username.Should().Be("second-user");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Resolver_DockerConfigInASecretVolumeSwapped_ReadsTheNewVersion()
    {
        var directory = Directory.CreateTempSubdirectory("collage-docker-");
        try
        {
            // As a Kubernetes Secret volume mounts it: config.json -> ..data/config.json, ..data -> ..v1; an update
            // swaps ..data. The link itself never changes (the old check looked at it), the final target does.
            var v1 = Directory.CreateDirectory(Path.Combine(directory.FullName, "..v1")).FullName;
            var v2 = Directory.CreateDirectory(Path.Combine(directory.FullName, "..v2")).FullName;
            File.WriteAllText(Path.Combine(v1, "config.json"), "{\"auths\": {\"quay.io\": {\"auth\": \"" + Auth("first:one") + "\"}}}");
            File.WriteAllText(Path.Combine(v2, "config.json"), "{\"auths\": {\"quay.io\": {\"auth\": \"" + Auth("other:two") + "\"}}}");
            File.SetLastWriteTimeUtc(Path.Combine(v2, "config.json"), File.GetLastWriteTimeUtc(Path.Combine(v1, "config.json")).AddSeconds(1));
            var data = Path.Combine(directory.FullName, "..data");
            File.CreateSymbolicLink(data, "..v1");
            var dockerConfig = Path.Combine(directory.FullName, "config.json");
            File.CreateSymbolicLink(dockerConfig, Path.Combine("..data", "config.json"));
            var resolver = new UpstreamCredentialResolver(_ => null);
            resolver.Resolve("quay.io", new UpstreamOptions(), dockerConfig)!.Username.Should().Be("first");

            File.CreateSymbolicLink(data + "_tmp", "..v2");
            using (var rename = System.Diagnostics.Process.Start("mv", ["-T", data + "_tmp", data]))
            {
                rename.WaitForExit();
                rename.ExitCode.Should().Be(0);
            }

            resolver.Resolve("quay.io", new UpstreamOptions(), dockerConfig)!.Username.Should().Be("other");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Credential_FingerprintSeparatesCredentials_ToStringHidesSecret()
    {
        var a = new UpstreamCredential("u", "p1", null, "k");
        var b = new UpstreamCredential("u", "p2", null, "k");

        a.Fingerprint.Should().NotBe(b.Fingerprint);
        a.Fingerprint.Should().Be(new UpstreamCredential("u", "p1", null, "other").Fingerprint);
        a.Fingerprint.Should().NotContain("p1");
        a.ToString().Should().NotContain("p1");
    }
}
