using Collage.Proxy.Configuration;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Configuration;
using static Collage.Tests.Configuration.ConfigSources;

namespace Collage.Tests.Configuration;

/// <summary>The configurations the reader refuses, each with the key to fix and how.</summary>
public sealed class CollageConfigReaderErrorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("collage-reader-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private IConfiguration File(string json) => ConfigSources.File(_directory, json);

    [Theory]
    [InlineData("Collage:Mapings:etcd", "Collage:Mapings", "*unknown key 'Mapings'*Did you mean 'Mappings'?*")]
    [InlineData("Collage:vhost:a.lan:Mappings:/", "Collage:vhost", "*unknown key 'vhost'*Did you mean 'Vhosts'?*")]
    [InlineData("Collage:Upstream:quay.io:CaFile", "Collage:Upstream", "*Did you mean 'Upstreams'?*")]
    [InlineData("Collage:Vhosts:a.lan:Mapings:/", "Collage:Vhosts:a.lan:Mapings", "*Did you mean 'Mappings'?*")]
    [InlineData("Collage:Vhosts:127.0.0.2:5000:Mapings:/", "Collage:Vhosts:127.0.0.2:5000:Mapings", "*Did you mean 'Mappings'?*")]
    [InlineData("Collage:Upstreams:quay.io:CaFiel", "Collage:Upstreams:quay.io:CaFiel", "*Did you mean 'CaFile'?*")]
    [InlineData("Collage:Upstreams:127.0.0.1:5102:Insecure", "Collage:Upstreams:127.0.0.1:5102:Insecure", "*Allowed here: CaFile, InsecureSkipVerify*")]
    [InlineData("Collage:Http:ConnectTimout", "Collage:Http:ConnectTimout", "*Did you mean 'ConnectTimeout'?*")]
    [InlineData("Collage:Somethingelse", "Collage:Somethingelse", "*Allowed here: Mappings, Vhosts, Upstreams, Http*")]
    public void Read_TypoInKey_NamesKeyAndFix(string key, string expectedKey, string message)
    {
        var act = () => CollageConfigReader.Read(InMemory(("Collage:Mappings:x", "quay.io/x"), (key, "v")));

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == expectedKey)
            .WithMessage($"Invalid configuration at '{expectedKey}': *")
            .WithMessage(message);
    }

    [Fact]
    public void Read_TypoMapingsInOriginalFile_NamesKeyAndFix()
    {
        var act = () => CollageConfigReader.Read(File("{ \"mapings\": { \"etcd\": \"quay.io/coreos/etcd\" } }"));

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "Collage:mapings")
            .WithMessage("*unknown key 'mapings'*Did you mean 'Mappings'?*");
    }

    [Fact]
    public void Read_MappingValueIsObject_NamesKeyAndFix()
    {
        var act = () => CollageConfigReader.Read(File("{ \"mappings\": { \"a.lan\": { \"mappings\": { \"/\": \"quay.io\" } } } }"));

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:Mappings:a.lan").WithMessage("*not an object*'vhosts'*");
    }

    [Fact]
    public void Read_VhostIsValue_NamesKeyAndFix()
    {
        var act = () => CollageConfigReader.Read(InMemory(("Collage:Mappings:x", "quay.io/x"), ("Collage:Vhosts:a.lan", "quay.io")));

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:Vhosts:a.lan").WithMessage("*expected an object with Mappings*");
    }

    [Fact]
    public void Read_PortEntryIsValue_NamesKey()
    {
        var act = () => CollageConfigReader.Read(InMemory(("Collage:Mappings:x", "quay.io/x"), ("Collage:Upstreams:127.0.0.1:5102", "x")));

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:Upstreams:127.0.0.1:5102");
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("")]
    public void Read_InsecureSkipVerifyNotBoolean_NamesKeyAndFix(string value)
    {
        var act = () => CollageConfigReader.Read(InMemory(("Collage:Upstreams:127.0.0.1:5102:InsecureSkipVerify", value)));

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "Collage:Upstreams:127.0.0.1:5102:InsecureSkipVerify")
            .WithMessage("*not a boolean*true or false*");
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("00:00:00")]
    [InlineData("-00:00:05")]
    public void Read_HttpBadTimeSpan_NamesKeyAndFix(string value)
    {
        var act = () => CollageConfigReader.Read(InMemory(("Collage:Http:ConnectTimeout", value)));

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "Collage:Http:ConnectTimeout").WithMessage("*hh:mm:ss*");
    }
}
