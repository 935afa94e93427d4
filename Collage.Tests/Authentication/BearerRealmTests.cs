using Collage.Transforms.Authentication;

namespace Collage.Tests.Authentication;

public sealed class BearerRealmTests
{
    private static AuthenticationChallenge Challenge(string scheme, params (string Name, string Value)[] parameters) =>
        new(scheme, parameters.ToDictionary(p => p.Name, p => p.Value, StringComparer.OrdinalIgnoreCase));

    [Fact]
    public void TryCreate_RealmAndService_ReadsBoth()
    {
        BearerRealm.TryCreate(Challenge("Bearer", ("realm", "https://auth.example/token"), ("service", "registry.example")), out var realm)
            .Should().BeTrue();

        realm.Should().Be(new BearerRealm("https://auth.example/token", "registry.example"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void TryCreate_NoOrEmptyService_HasNoService(string? service)
    {
        var challenge = service is null
            ? Challenge("bearer", ("realm", "http://127.0.0.1:5001/token?x=1"))
            : Challenge("bearer", ("realm", "http://127.0.0.1:5001/token?x=1"), ("service", service));

        BearerRealm.TryCreate(challenge, out var realm).Should().BeTrue();

        realm.Should().Be(new BearerRealm("http://127.0.0.1:5001/token?x=1", null));
    }

    [Theory]
    [InlineData("/token")]
    [InlineData("token")]
    [InlineData("ftp://auth.example/token")]
    [InlineData("file:///etc/passwd")]
    [InlineData("https://user:pass@auth.example/token")]
    [InlineData("https://user@auth.example/token")]
    [InlineData("not a uri")]
    [InlineData("")]
    public void TryCreate_UnusableRealm_IsRefused(string value)
    {
        BearerRealm.TryCreate(Challenge("Bearer", ("realm", value), ("service", "registry.example")), out var realm).Should().BeFalse();

        realm.Should().BeNull();
    }

    [Fact]
    public void TryCreate_NoRealm_IsRefused()
    {
        BearerRealm.TryCreate(Challenge("Bearer", ("service", "registry.example")), out _).Should().BeFalse();
    }

    [Fact]
    public void TryCreate_OtherScheme_IsRefused()
    {
        BearerRealm.TryCreate(Challenge("Basic", ("realm", "https://auth.example/token")), out _).Should().BeFalse();
    }
}
