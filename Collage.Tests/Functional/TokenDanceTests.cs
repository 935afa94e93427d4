using System.Net;
using Collage.Tests.Functional.Authentication;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.Functional;

public sealed class TokenDanceTests
{
    [Fact]
    public async Task Get_BearerUpstream_ClientPullsAnonymouslyAndTokenIsFetchedOnce()
    {
        await using var tokens = await FakeTokenServer.StartAsync();
        await using var upstream = await FakeRegistry.StartAsync(tokens);
        upstream.Challenge = () => upstream.DefaultChallenge("repository:flavio/guestbook:pull");
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["cool/stuff"] = $"http://{upstream.BaseUri.Authority}/flavio" } });

        for (var i = 0; i < 3; i++)
        {
            using var response = await collage.Client.GetAsync("/v2/cool/stuff/guestbook/manifests/v1");
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.Headers.WwwAuthenticate.Should().BeEmpty();
            (await response.Content.ReadAsStringAsync()).Should().Be("{\"manifest\":true}");
        }

        tokens.Fetches.Should().Be(1);
        tokens.Requests.Single().QueryString.Value.Should().Contain("scope=repository%3Aflavio%2Fguestbook%3Apull").And.Contain("service=fake-registry");
        upstream.Unauthorized.Should().Be(1, "later requests carry the cached token up front");
    }

    [Fact]
    public async Task Get_TokenServerDown_Answers401OciErrorWithoutUpstreamRealm()
    {
        var deadPort = ErrorAnswerTests.FreeLoopbackPort();
        await using var tokens = await FakeTokenServer.StartAsync();
        await using var upstream = await FakeRegistry.StartAsync(tokens);
        upstream.Challenge = () => $"Bearer realm=\"http://127.0.0.1:{deadPort}/token\",service=\"fake-registry\",scope=\"repository:flavio/guestbook:pull\"";
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["cool/stuff"] = $"http://{upstream.BaseUri.Authority}/flavio" } });

        using var response = await collage.Client.GetAsync("/v2/cool/stuff/guestbook/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await ErrorAnswerTests.ErrorCodeAsync(response)).Should().Be("UNAUTHORIZED");
        response.Headers.WwwAuthenticate.ToString().Should().NotContain(deadPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
