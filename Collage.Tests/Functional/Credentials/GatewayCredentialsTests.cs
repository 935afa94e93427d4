using System.Net;
using System.Text;
using System.Text.Json;
using Collage.Tests.Common;
using Collage.Tests.Functional.Authentication;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Credentials;

/// <summary>Gateway mode with configured credentials, against fake upstreams on loopback.</summary>
public sealed class GatewayCredentialsTests
{
    private const string Password = "s3cret-gateway-password";
    private static readonly string Basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("robot:" + Password));

    [Fact]
    public async Task BasicUpstream_CredentialsGoToUpstreamOnly_NeverToCdnHop()
    {
        await using var cdn = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("blob-bytes"));
        await using var upstream = await LoopbackServer.StartAsync(context =>
        {
            if (context.Request.Headers.Authorization != Basic)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"registry\"";
                return Task.CompletedTask;
            }

            if (context.Request.Path.Value!.Contains("/blobs/", StringComparison.Ordinal))
            {
                context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                context.Response.Headers.Location = cdn.Url("/data?sig=1").ToString();
                return Task.CompletedTask;
            }

            context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
            return context.Response.WriteAsync("{}");
        });
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["lab"] = $"http://{upstream.Authority}/team" },
            upstreams = new Dictionary<string, object> { [upstream.Authority] = new { username = "robot", password = Password } },
        });

        using var manifest = await collage.Client.GetAsync("/v2/lab/app/manifests/v1");
        using var blob = await collage.Client.GetAsync("/v2/lab/app/blobs/sha256:" + new string('a', 64));

        manifest.StatusCode.Should().Be(HttpStatusCode.OK);
        blob.StatusCode.Should().Be(HttpStatusCode.OK);
        (await blob.Content.ReadAsStringAsync()).Should().Be("blob-bytes");
        manifest.Headers.WwwAuthenticate.Should().BeEmpty("the client never sees the upstream's challenge");
        cdn.Requests.Should().ContainSingle().Which.HasHeader("Authorization").Should().BeFalse("credentials are the upstream's, not the CDN's");
        upstream.Requests.Count(r => r.Header("Authorization") == Basic).Should().Be(2);
        upstream.Requests.Count(r => !r.HasHeader("Authorization")).Should().Be(1, "after the first challenge the credentials go up front");
        collage.Logs.All.Should().NotContain(Password).And.NotContain(Basic["Basic ".Length..]);
    }

    [Fact]
    public async Task BearerUpstream_TokenRequestCarriesBasic_TokenServerNeverSeesClientHeaders()
    {
        await using var tokens = await FakeTokenServer.StartAsync();
        await using var upstream = await FakeRegistry.StartAsync(tokens);
        upstream.Challenge = () => upstream.DefaultChallenge("repository:team/app:pull");
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["lab"] = $"http://{upstream.BaseUri.Authority}/team" },
            upstreams = new Dictionary<string, object> { [upstream.BaseUri.Authority] = new { username = "robot", password = Password } },
        });

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/lab/app/manifests/v1");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "client-token");
        using var response = await collage.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var tokenRequest = tokens.Requests.Should().ContainSingle().Subject;
        tokenRequest.Header("Authorization").Should().Be(Basic);
        tokenRequest.Query["scope"].ToString().Should().Be("repository:team/app:pull");
        upstream.Requests.Should().NotContain(r => r.Header("Authorization") == "Bearer client-token", "a gateway upstream never sees the client's credentials");
    }

    [Fact]
    public async Task IdentityToken_TokenRequestIsOAuthRefreshForm()
    {
        await using var tokens = await FakeTokenServer.StartAsync();
        string? form = null;
        tokens.Respond = async (context, n) =>
        {
            form = await new StreamReader(context.Request.Body).ReadToEndAsync();
            tokens.Issued["tok-" + n] = true;
            await context.Response.WriteAsJsonAsync(new { access_token = "tok-" + n, expires_in = 300 });
        };
        await using var upstream = await FakeRegistry.StartAsync(tokens);
        upstream.Challenge = () => upstream.DefaultChallenge("repository:team/app:pull");
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string> { ["lab"] = $"http://{upstream.BaseUri.Authority}/team" },
            upstreams = new Dictionary<string, object> { [upstream.BaseUri.Authority] = new { identityToken = "refresh-" + Password } },
        });

        using var response = await collage.Client.GetAsync("/v2/lab/app/manifests/v1");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var tokenRequest = tokens.Requests.Should().ContainSingle().Subject;
        tokenRequest.Method.Should().Be("POST");
        tokenRequest.HasHeader("Authorization").Should().BeFalse();
        form.Should().Contain("grant_type=refresh_token").And.Contain("refresh_token=refresh-" + Password).And.Contain("scope=repository%3Ateam%2Fapp%3Apull");
        collage.Logs.All.Should().NotContain(Password);
    }

    [Fact]
    public async Task DockerConfigAuths_UsedWhenUpstreamConfiguresNone()
    {
        await using var upstream = await LoopbackServer.StartAsync(context =>
        {
            if (context.Request.Headers.Authorization != Basic)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"registry\"";
                return Task.CompletedTask;
            }

            return context.Response.WriteAsync("{}");
        });
        var directory = Directory.CreateTempSubdirectory("collage-docker-config-");
        try
        {
            var dockerConfig = Path.Combine(directory.FullName, "config.json");
            await File.WriteAllTextAsync(dockerConfig, JsonSerializer.Serialize(new { auths = new Dictionary<string, object> { [$"http://{upstream.Authority}/v1/"] = new { auth = Basic["Basic ".Length..] } } }));
            await using var collage = await CollageServer.StartAsync(new
            {
                mappings = new Dictionary<string, string> { ["lab"] = $"http://{upstream.Authority}/team" },
                dockerConfig,
            });

            using var response = await collage.Client.GetAsync("/v2/lab/app/manifests/v1");

            response.StatusCode.Should().Be(HttpStatusCode.OK);
            upstream.Requests.Should().Contain(r => r.Header("Authorization") == Basic);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
