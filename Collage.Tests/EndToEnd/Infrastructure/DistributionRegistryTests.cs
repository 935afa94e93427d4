using System.Net;
using System.Net.Http.Headers;

namespace Collage.Tests.EndToEnd.Infrastructure;

public sealed class DistributionRegistryTests
{
    [Fact]
    public async Task StartAsync_Plain_AnswersV2OnLoopbackAndLogsTheRequest()
    {
        await using var registry = await DistributionRegistry.StartAsync();
        using var client = registry.CreateHttpClient();

        using var response = await client.GetAsync("v2/");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        registry.BaseUri.Host.Should().Be("127.0.0.1");
        registry.HostPort.Should().Be($"127.0.0.1:{registry.Port}");
        (await registry.AccessLogBarrierAsync()).Should().Contain(e => e.Method == "GET" && e.Target == "/v2/" && e.Status == 200);
    }

    [Fact]
    public async Task AccessLogBarrierAsync_AfterReads_ShowsNoWrite()
    {
        await using var registry = await DistributionRegistry.StartAsync();
        using var client = registry.CreateHttpClient();
        using var missing = await client.GetAsync("v2/some/repo/manifests/latest");

        var log = await registry.AccessLogBarrierAsync();

        log.Should().ContainSingle(e => e.Target == "/v2/some/repo/manifests/latest").Which.Status.Should().Be(404);
        log.Should().NotContain(e => e.Method == "PUT" || e.Method == "POST" || e.Method == "PATCH" || e.Method == "DELETE");
        log.Should().NotContain(e => e.Target.Contains("collage-e2e-barrier", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_WithBasicAuth_RejectsAnonymousAndAcceptsTheCredentials()
    {
        var credentials = new BasicAuthCredentials("robot", "s3cret pass");
        await using var registry = await DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "auth", BasicAuth = credentials });
        using var anonymous = new HttpClient { BaseAddress = registry.BaseUri };
        using var authenticated = registry.CreateHttpClient();

        using var rejected = await anonymous.GetAsync("v2/");
        using var accepted = await authenticated.GetAsync("v2/");

        rejected.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        rejected.Headers.WwwAuthenticate.Should().ContainSingle().Which.Scheme.Should().Be("Basic");
        accepted.StatusCode.Should().Be(HttpStatusCode.OK);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "v2/");
        wrong.Headers.Authorization = AuthenticationHeaderValue.Parse(new BasicAuthCredentials("robot", "nope").HeaderValue);
        using var wrongResponse = await anonymous.SendAsync(wrong);
        wrongResponse.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task StartAsync_ExtraYaml_IsApplied()
    {
        // distribution's "silly" access controller answers 401 with its realm to any request without Authorization.
        await using var registry = await DistributionRegistry.StartAsync(new DistributionRegistryOptions
        {
            Name = "extra",
            ExtraYaml = "auth:\n  silly:\n    realm: extra-yaml-realm\n    service: extra\n",
        });
        using var client = registry.CreateHttpClient();

        using var response = await client.GetAsync("v2/");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().Contain("extra-yaml-realm");
    }

    [Fact]
    public async Task StartAsync_BrokenExtraYaml_ThrowsWithTheRegistryLog()
    {
        var act = () => DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "broken", ExtraYaml = "auth:\n  nosuchprovider: {}\n" });

        await act.Should().ThrowAsync<RegistryExitedException>().WithMessage("*nosuchprovider*");
    }

    [Fact]
    public async Task DisposeAsync_Running_KillsTheProcessAndDeletesItsFolders()
    {
        var registry = await DistributionRegistry.StartAsync();
        var storage = registry.StorageRoot;
        using var client = new HttpClient { BaseAddress = registry.BaseUri, Timeout = TimeSpan.FromSeconds(5) };
        (await client.GetAsync("v2/")).StatusCode.Should().Be(HttpStatusCode.OK);

        await registry.DisposeAsync();

        var act = () => client.GetAsync("v2/");
        await act.Should().ThrowAsync<HttpRequestException>();
        Directory.Exists(storage).Should().BeFalse();
    }
}
