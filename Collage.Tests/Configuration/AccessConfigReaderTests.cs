using Collage.Proxy.Configuration;
using Collage.Transforms.Configuration;
using static Collage.Tests.Configuration.ConfigSources;

namespace Collage.Tests.Configuration;

/// <summary>
/// The <c>access</c> section as the reader makes it: absent, empty, every key, single values for lists, and each value
/// it refuses with the key to fix.
/// </summary>
public sealed class AccessConfigReaderTests : IDisposable
{
    private const string Mapping = "\"mappings\": { \"etcd\": \"quay.io/coreos/etcd\" }";

    private readonly string _directory = Directory.CreateTempSubdirectory("collage-access-reader-").FullName;

    public AccessConfigReaderTests() => System.IO.File.WriteAllText(Htpasswd, "alice:$2y$05$abcdefghijklmnopqrstuuVbC7e1w5wJ3m1O0r7xJq8cV8z5Yk5a2\n");

    private string Htpasswd => Path.Combine(_directory, "htpasswd");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private CollageOptions ReadFile(string access) => CollageConfigReader.Read(ConfigSources.File(_directory, $"{{ {Mapping}, \"access\": {access} }}"));

    private static CollageOptions ReadMemory(params (string Key, string? Value)[] entries) =>
        CollageConfigReader.Read(InMemory([("Collage:Mappings:etcd", "quay.io/coreos/etcd"), .. entries]));

    [Fact]
    public void Read_NoAccessSection_IsNull()
    {
        CollageConfigReader.Read(ConfigSources.File(_directory, $"{{ {Mapping} }}")).Access.Should().BeNull();
        ReadMemory().Access.Should().BeNull();
    }

    [Fact]
    public void Read_EmptyAccessSection_EveryDefault()
    {
        var access = ReadFile("{}").Access;

        access.Should().NotBeNull("an empty section turns access control on, with nothing granted");
        access!.Htpasswd.Should().BeNull();
        access.Groups.Should().BeEmpty();
        access.Anonymous.Should().BeEmpty();
        access.Authenticated.Should().BeEmpty();
        access.Rules.Should().BeEmpty();
        access.LoginAttempts.Should().Be(10);
        access.LoginWindow.Should().Be(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void Read_EveryKey_IsRead()
    {
        var access = ReadFile($$"""
            {
              "htpasswd": "{{Htpasswd}}",
              "groups": { "platform": ["alice", "ci-robot"], "solo": "bob" },
              "anonymous": ["public/**"],
              "authenticated": ["library/**", "tools/*"],
              "rules": [
                { "repositories": ["internal/**"], "users": ["alice"], "groups": ["platform"], "actions": ["pull"] },
                { "repositories": ["**"], "groups": ["platform"], "actions": ["catalog", "pull"], "vhosts": ["registry.corp.lan"] }
              ],
              "loginAttempts": 5,
              "loginWindow": "00:00:30",
              "tokenLifetime": "00:02:00",
              "refreshTokenLifetime": "12:00:00",
              "requestsPerUser": 100,
              "requestsPerAddress": 300,
              "requestWindow": "00:00:10"
            }
            """).Access!;

        access.Htpasswd.Should().Be(Htpasswd);
        access.Groups.Should().BeEquivalentTo(new Dictionary<string, IReadOnlyList<string>> { ["platform"] = ["alice", "ci-robot"], ["solo"] = ["bob"] });
        access.Anonymous.Should().Equal("public/**");
        access.Authenticated.Should().Equal("library/**", "tools/*");
        access.Rules.Should().HaveCount(2);
        access.Rules[0].Should().BeEquivalentTo(new AccessRuleOptions { Repositories = ["internal/**"], Users = ["alice"], Groups = ["platform"], Actions = ["pull"] });
        access.Rules[1].Actions.Should().Equal("catalog", "pull");
        access.Rules[1].Vhosts.Should().Equal("registry.corp.lan");
        access.LoginAttempts.Should().Be(5);
        access.LoginWindow.Should().Be(TimeSpan.FromSeconds(30));
        access.TokenLifetime.Should().Be(TimeSpan.FromMinutes(2));
        access.RefreshTokenLifetime.Should().Be(TimeSpan.FromHours(12));
        access.RequestsPerUser.Should().Be(100);
        access.RequestsPerAddress.Should().Be(300);
        access.RequestWindow.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Read_SingleStringsForLists_ListsOfOne()
    {
        var access = ReadFile("""
            { "anonymous": "public/**", "rules": [ { "repositories": "internal/**", "users": "alice" } ] }
            """).Access!;

        access.Anonymous.Should().Equal("public/**");
        access.Rules[0].Repositories.Should().Equal("internal/**");
        access.Rules[0].Users.Should().Equal("alice");
        access.Rules[0].Actions.Should().Equal(["pull"], "a rule without actions grants pull");
    }

    [Fact]
    public void Read_KeysInAnyCaseFromMemory_AreRead()
    {
        var access = ReadMemory(
            ("Collage:ACCESS:Anonymous:0", "public/**"),
            ("Collage:access:rules:0:REPOSITORIES:0", "internal/**"),
            ("Collage:access:rules:0:users:0", "alice"),
            ("Collage:Access:LOGINATTEMPTS", "3")).Access!;

        access.Anonymous.Should().Equal("public/**");
        access.Rules[0].Users.Should().Equal("alice");
        access.LoginAttempts.Should().Be(3);
    }

    [Fact]
    public void Read_HtpasswdFileMissing_NamesKeyAndHowToWriteIt()
    {
        var missing = Path.Combine(_directory, "nope");

        var act = () => ReadFile($$"""{ "htpasswd": "{{missing}}" }""");

        act.Should().Throw<CollageConfigException>()
            .Where(e => string.Equals(e.Key, "Collage:access:htpasswd", StringComparison.OrdinalIgnoreCase))
            .WithMessage($"*'{missing}' does not exist*htpasswd -B*");
    }

    [Theory]
    [InlineData("{ \"htpaswd\": \"/x\" }", "Collage:access:htpaswd", "*Did you mean 'Htpasswd'?*")]
    [InlineData("{ \"anonymus\": [\"a/**\"] }", "Collage:access:anonymus", "*Did you mean 'Anonymous'?*")]
    [InlineData("{ \"tokenkeys\": \"/k.pem\" }", "Collage:access:tokenkeys", "*Did you mean 'TokenKey'?*")]
    [InlineData("{ \"rules\": [ { \"repositores\": [\"a/**\"], \"users\": [\"alice\"] } ] }", "Collage:access:rules:0:repositores", "*Did you mean 'Repositories'?*")]
    [InlineData("{ \"rules\": [ { \"repositories\": [\"a/**\"], \"user\": [\"alice\"] } ] }", "Collage:access:rules:0:user", "*Did you mean 'Users'?*")]
    [InlineData("{ \"rules\": [ { \"repositories\": [\"a/**\"], \"users\": [\"alice\"], \"vhost\": [\"a.lan\"] } ] }", "Collage:access:rules:0:vhost", "*Did you mean 'Vhosts'?*")]
    public void Read_UnknownKey_NamesKeyAndFix(string access, string key, string message)
    {
        var act = () => ReadFile(access);

        act.Should().Throw<CollageConfigException>().Where(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase)).WithMessage(message);
    }

    [Theory]
    [InlineData("\"on\"")]
    [InlineData("true")]
    public void Read_SectionIsValue_NamesKey(string value)
    {
        var act = () => ReadFile(value);

        act.Should().Throw<CollageConfigException>().Where(e => string.Equals(e.Key, "Collage:access", StringComparison.OrdinalIgnoreCase)).WithMessage("*expected an object*Leave the section out*");
    }

    [Theory]
    [InlineData("{ \"loginAttempts\": 0 }", "Collage:access:loginAttempts")]
    [InlineData("{ \"loginAttempts\": \"ten\" }", "Collage:access:loginAttempts")]
    [InlineData("{ \"loginAttempts\": -1 }", "Collage:access:loginAttempts")]
    [InlineData("{ \"loginWindow\": \"00:00:00\" }", "Collage:access:loginWindow")]
    [InlineData("{ \"loginWindow\": \"a minute\" }", "Collage:access:loginWindow")]
    [InlineData("{ \"requestsPerUser\": -5 }", "Collage:access:requestsPerUser")]
    [InlineData("{ \"requestsPerAddress\": \"many\" }", "Collage:access:requestsPerAddress")]
    [InlineData("{ \"requestWindow\": \"00:00:00\" }", "Collage:access:requestWindow")]
    [InlineData("{ \"tokenLifetime\": \"soon\" }", "Collage:access:tokenLifetime")]
    public void Read_BadThrottleValue_NamesKey(string access, string key)
    {
        var act = () => ReadFile(access);

        act.Should().Throw<CollageConfigException>().Where(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("{ \"anonymous\": [\"\"] }", "Collage:access:anonymous")]
    [InlineData("{ \"anonymous\": { \"a\": \"public/**\" } }", "Collage:access:anonymous")]
    [InlineData("{ \"groups\": { \"platform\": [\"alice\", \"\"] } }", "Collage:access:groups:platform")]
    [InlineData("{ \"rules\": [ { \"repositories\": [\"a/**\"], \"users\": [[\"alice\"]] } ] }", "Collage:access:rules:0:users")]
    public void Read_NotAListOfNames_NamesKey(string access, string key)
    {
        var act = () => ReadFile(access);

        act.Should().Throw<CollageConfigException>().Where(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase)).WithMessage("*expected a list of names*");
    }
}
