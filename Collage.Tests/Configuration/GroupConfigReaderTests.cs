using Collage.Proxy.Configuration;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Configuration;
using static Collage.Tests.Configuration.ConfigSources;

namespace Collage.Tests.Configuration;

/// <summary>
/// Upstream groups in the configuration: a mapping as a list or as <c>{ "upstreams": [...], "tags": ... }</c>, from a
/// file or the environment; the tag policies; <c>http.responseHeaderTimeout</c> and <c>http.breakDuration</c>; and
/// every malformed group refused naming its key.
/// </summary>
public sealed class GroupConfigReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("collage-group-reader-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private CollageOptions ReadFile(string mappings) => CollageConfigReader.Read(File(_directory, $$"""{ "mappings": {{mappings}} }"""));

    private Action Reading(string mappings) => () => ReadFile(mappings);

    [Fact]
    public void Read_ListMapping_GroupInOrderFirstHealthy()
    {
        var options = ReadFile("""{ "lib": ["https://mirror.corp.lan/dockerhub/library", "registry-1.docker.io/library", "http://127.0.0.1:5102/lib"] }""");

        options.Mappings["lib"].Upstreams.Should().Equal("https://mirror.corp.lan/dockerhub/library", "registry-1.docker.io/library", "http://127.0.0.1:5102/lib");
        options.Mappings["lib"].Tags.Should().Be(GroupTagPolicy.FirstHealthy);
    }

    [Fact]
    public void Read_ListOfTwelve_KeepsNumericOrder()
    {
        var members = Enumerable.Range(0, 12).Select(i => $"\"quay.io/m{i}\"");

        var options = ReadFile($$"""{ "lib": [{{string.Join(", ", members)}}] }""");

        options.Mappings["lib"].Upstreams.Should().Equal(Enumerable.Range(0, 12).Select(i => $"quay.io/m{i}"), "index 10 comes after 9, not after 1");
    }

    [Theory]
    [InlineData("\"first-healthy\"", GroupTagPolicy.FirstHealthy)]
    [InlineData("\"primary-only\"", GroupTagPolicy.PrimaryOnly)]
    [InlineData("\"Primary-Only\"", GroupTagPolicy.PrimaryOnly)]
    [InlineData("\" primary-only \"", GroupTagPolicy.PrimaryOnly)]
    [InlineData(null, GroupTagPolicy.FirstHealthy)]
    public void Read_ObjectMapping_UpstreamsAndTagPolicy(string? tags, GroupTagPolicy expected)
    {
        var tagsMember = tags is null ? string.Empty : $", \"tags\": {tags}";

        var options = ReadFile($$"""{ "base": { "upstreams": ["https://eu.registry.lan/base", "https://us.registry.lan/base"]{{tagsMember}} } }""");

        options.Mappings["base"].Upstreams.Should().Equal("https://eu.registry.lan/base", "https://us.registry.lan/base");
        options.Mappings["base"].Tags.Should().Be(expected);
    }

    [Fact]
    public void Read_StringMapping_GroupOfOne()
    {
        var options = ReadFile("""{ "etcd": "quay.io/coreos/etcd" }""");

        options.Mappings["etcd"].Upstreams.Should().Equal("quay.io/coreos/etcd");
        options.Mappings["etcd"].Should().Be((MappingOptions)"quay.io/coreos/etcd");
    }

    [Fact]
    public void Read_GroupInVhost_Read()
    {
        var options = CollageConfigReader.Read(File(_directory, """{ "vhosts": { "127.0.0.2:5000": { "mappings": { "/": ["http://127.0.0.1:5102", "http://127.0.0.1:5103"] } } } }"""));

        options.Vhosts["127.0.0.2:5000"].Mappings["/"].Upstreams.Should().Equal("http://127.0.0.1:5102", "http://127.0.0.1:5103");
    }

    [Fact]
    public void Read_GroupFromEnvironmentStyleKeys_Read()
    {
        var options = CollageConfigReader.Read(InMemory(
            ("Collage:Mappings:lib:0", "quay.io/a"),
            ("Collage:Mappings:lib:1", "quay.io/b"),
            ("Collage:Mappings:base:Upstreams:0", "quay.io/c"),
            ("Collage:Mappings:base:Tags", "primary-only")));

        options.Mappings["lib"].Upstreams.Should().Equal("quay.io/a", "quay.io/b");
        options.Mappings["base"].Upstreams.Should().Equal("quay.io/c");
        options.Mappings["base"].Tags.Should().Be(GroupTagPolicy.PrimaryOnly);
    }

    [Fact]
    public void Read_HttpGroupTimeouts_ReadWithDefaults()
    {
        var defaults = ReadFile("""{ "lib": ["quay.io/a", "quay.io/b"] }""").Http;
        var set = CollageConfigReader.Read(File(_directory, """{ "mappings": { "x": "quay.io/x" }, "http": { "responseHeaderTimeout": "00:00:03", "breakDuration": "00:02:00" } }""")).Http;

        defaults.ResponseHeaderTimeout.Should().Be(TimeSpan.FromSeconds(10));
        defaults.BreakDuration.Should().Be(TimeSpan.FromSeconds(30));
        set.ResponseHeaderTimeout.Should().Be(TimeSpan.FromSeconds(3));
        set.BreakDuration.Should().Be(TimeSpan.FromMinutes(2));
    }

    [Theory]
    [InlineData("responseHeaderTimeout", "00:00:00")]
    [InlineData("responseHeaderTimeout", "soon")]
    [InlineData("breakDuration", "-00:00:05")]
    [InlineData("breakDuration", "00:00:00")]
    public void Read_HttpGroupTimeoutInvalid_NamesKey(string key, string value)
    {
        var act = () => CollageConfigReader.Read(File(_directory, $$"""{ "mappings": { "x": "quay.io/x" }, "http": { "{{key}}": "{{value}}" } }"""));

        act.Should().Throw<CollageConfigException>().Where(e => e.Key.EndsWith($":{key}", StringComparison.OrdinalIgnoreCase)).WithMessage("*hh:mm:ss*");
    }

    [Fact]
    public void Read_EmptyList_NamesKeyAndFix()
    {
        Reading("""{ "lib": [] }""").Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "Collage:Mappings:lib")
            .WithMessage("*empty*list of them for a group*");
    }

    [Fact]
    public void Read_ObjectWithEmptyUpstreams_NamesKeyAndFix()
    {
        Reading("""{ "lib": { "upstreams": [], "tags": "primary-only" } }""").Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "Collage:Mappings:lib:Upstreams")
            .WithMessage("*list of upstreams*");
    }

    [Fact]
    public void Read_ObjectWithoutUpstreams_NamesKey()
    {
        Reading("""{ "lib": { "tags": "primary-only" } }""").Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "Collage:Mappings:lib:Upstreams");
    }

    [Theory]
    [InlineData("\"newest\"")]
    [InlineData("\"primary\"")]
    [InlineData("\"first_healthy\"")]
    public void Read_BadTagPolicy_NamesKeyAndBothPolicies(string tags)
    {
        Reading($$"""{ "lib": { "upstreams": ["quay.io/a", "quay.io/b"], "tags": {{tags}} } }""").Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "Collage:Mappings:lib:Tags")
            .WithMessage("*not a tag policy*first-healthy*primary-only*");
    }

    [Fact]
    public void Read_ObjectWithUnknownKey_NamesKeyAndFix()
    {
        Reading("""{ "lib": { "upstream": ["quay.io/a", "quay.io/b"] } }""").Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "Collage:Mappings:lib:upstream")
            .WithMessage("*Upstreams*");
    }

    [Theory]
    [InlineData("""["quay.io/a", { "x": "quay.io/b" }]""", "Collage:Mappings:lib:1")]
    [InlineData("""["quay.io/a", ""]""", "Collage:Mappings:lib:1")]
    [InlineData("""["quay.io/a", ["quay.io/b"]]""", "Collage:Mappings:lib:1")]
    public void Read_ListEntryNotAnUpstreamString_NamesTheEntry(string list, string key)
    {
        Reading($$"""{ "lib": {{list}} }""").Should().Throw<CollageConfigException>()
            .Where(e => e.Key == key)
            .WithMessage("*each member of a group is an upstream string*");
    }

    [Fact]
    public void Read_ObjectWithMappingsInside_PointsAtVhosts()
    {
        Reading("""{ "a.lan": { "mappings": { "/": "quay.io" } } }""").Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "Collage:Mappings:a.lan")
            .WithMessage("*'vhosts'*");
    }
}
