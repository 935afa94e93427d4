using Collage.Proxy.Hosting;
using Collage.Transforms.Configuration;
using static Collage.Tests.Hosting.TestApps;

namespace Collage.Tests.Hosting;

/// <summary>
/// Configuration a gateway cannot start with: each is refused before it serves, with the key or switch to fix and how.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class CollageAppStartupErrorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("collage-app-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string ConfigFile(string json) => TestApps.ConfigFile(_directory, json);

    [Fact]
    public void Build_BadCollagePortVariable_NamesPort()
    {
        Environment.SetEnvironmentVariable("COLLAGE_PORT", "http");
        try
        {
            var act = () => CollageApp.Build([]);

            act.Should().Throw<CollageConfigException>().Where(e => e.Key == "--port").WithMessage("*'http' is not a TCP port*");
        }
        finally
        {
            Environment.SetEnvironmentVariable("COLLAGE_PORT", null);
        }
    }

    [Fact]
    public void Build_TypoInMappingsKey_NamesKeyAndFix()
    {
        var file = ConfigFile("""{ "mapings": { "etcd": "quay.io/coreos/etcd" } }""");

        var act = () => CollageApp.Build(Args(file));

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "Collage:mapings")
            .WithMessage("Invalid configuration at 'Collage:mapings': unknown key 'mapings'. Did you mean 'Mappings'?*");
    }

    [Fact]
    public void Build_EmptyConfigFile_NoMappings_NamesKeyAndFix()
    {
        var file = ConfigFile("{}");

        var act = () => CollageApp.Build(Args(file));

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "mappings").WithMessage("*no mappings*Add at least one*");
    }

    [Theory]
    [InlineData("""{ "mappings": { "etcd": "ftp://quay.io/coreos/etcd" } }""", "mappings:etcd", "*scheme 'ftp'*https://*")]
    [InlineData("""{ "mappings": { "etcd": "quay.io/x?y" } }""", "mappings:etcd", "*does not parse*")]
    [InlineData("""{ "mappings": { "Cool/Stuff": "quay.io/x" } }""", "mappings:Cool/Stuff", "*not a valid repository-name prefix*")]
    [InlineData("""{ "mappings": { "etcd": "quay.io/a", "/etcd/": "quay.io/b" } }""", "mappings:etcd", "*same local path as 'mappings:/etcd/'*")]
    [InlineData("""{ "mappings": { "etcd": "quay.io/a" }, "upstreams": { "127.0.0.1:5102": { "caFile": "/x.pem" } } }""", "upstreams:127.0.0.1:5102", "*no mapping uses the upstream*")]
    [InlineData("""{ "mappings": { "etcd": "quay.io/a" }, "upstreams": { "quay.io": { "insecureSkipVerify": "maybe" } } }""", "Collage:Upstreams:quay.io:InsecureSkipVerify", "*true or false*")]
    [InlineData("""{ "mappings": { "etcd": "quay.io/a" }, "vhosts": { "a/b": { "mappings": { "/": "quay.io" } } } }""", "vhosts:a/b", "*not a host name*")]
    [InlineData("""{ "mappings": { "etcd": "quay.io/a" }, "upstreams": { "quay.io": { "caFile": "/does/not/exist.pem" } } }""", "upstreams:quay.io:caFile", "*/does/not/exist.pem*readable PEM*")]
    public void Build_BadConfigFile_NamesKeyAndFix(string json, string key, string message)
    {
        var file = ConfigFile(json);

        var act = () => CollageApp.Build(Args(file));

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == key).WithMessage(message);
    }

    [Fact]
    public void Build_MissingConfigFile_NamesSwitchAndPath()
    {
        var missing = Path.Combine(_directory, "missing.json");

        var act = () => CollageApp.Build(Args(missing));

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "--config-file").WithMessage($"*'{missing}' does not exist*");
    }

    [Fact]
    public void Build_ConfigFileNotJson_NamesSwitch()
    {
        var file = ConfigFile("{ \"mappings\": ");

        var act = () => CollageApp.Build(Args(file));

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "--config-file").WithMessage("*not valid JSON*");
    }

    [Theory]
    [InlineData("--port", "abc", "*'abc' is not a TCP port*0 to 65535*")]
    [InlineData("--port", "70000", "*'70000' is not a TCP port*")]
    [InlineData("--port", "-1", "*'-1' is not a TCP port*")]
    [InlineData("--bind", "localhost", "*'localhost' is not an IP address*127.0.0.1*")]
    public void Build_BadServerSwitch_NamesSwitchAndFix(string name, string value, string message)
    {
        var act = () => CollageApp.Build([name, value]);

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == name).WithMessage(message);
    }

    [Theory]
    [InlineData("Server:InlineScheduling", "sometimes")]
    [InlineData("Telemetry:PlatformMetrics", "on")]
    public void Build_SwitchNotBoolean_NamesKey(string key, string value)
    {
        var act = () => CollageApp.Build(Args(null, $"--{key}", value));

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == key).WithMessage($"*'{value}' is not a boolean*true or false*");
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("00:00:00")]
    [InlineData("-00:00:10")]
    public void Build_BadCertificateReloadInterval_NamesKeyAndFix(string value)
    {
        // Replaced by the 10 s default without a word before: a renewed certificate then waited longer than set.
        var act = () => CollageApp.Build(Args(null, "--Server:CertificateReloadInterval", value));

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "Server:CertificateReloadInterval")
            .WithMessage($"*'{value}' is not a positive time span*hh:mm:ss*");
    }

    [Fact]
    public void Build_CertWithoutKey_NamesKey()
    {
        var act = () => CollageApp.Build(Args(null, "--cert", "/etc/collage/tls.crt"));

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "--key").WithMessage("*both --cert and --key*");
    }

    [Fact]
    public void Build_CertFilesMissing_NamesSwitch()
    {
        var act = () => CollageApp.Build(Args(null, "--cert", Path.Combine(_directory, "no.crt"), "--key", Path.Combine(_directory, "no.key")));

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "--cert").WithMessage("*could not be loaded*PEM*");
    }
}
