using Collage.Tests.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Collage.Tests.Functional.Authentication;

/// <summary>
/// An upstream registry on loopback that wants <c>Bearer &lt;token&gt;</c> with a token its token
/// server issued, and otherwise answers 401 with a challenge, counting them.
/// </summary>
internal sealed class FakeRegistry : IAsyncDisposable
{
    private readonly FakeTokenServer _tokenServer;
    private LoopbackServer? _server;
    private int _unauthorized;

    private FakeRegistry(FakeTokenServer tokenServer)
    {
        _tokenServer = tokenServer;
    }

    /// <summary>The WWW-Authenticate value to send; by default one naming the token server.</summary>
    public Func<string>? Challenge { get; set; }

    public int Unauthorized => _unauthorized;

    public IReadOnlyList<RecordedRequest> Requests => _server!.Requests;

    public Uri BaseUri => _server!.BaseUri;

    public static async Task<FakeRegistry> StartAsync(FakeTokenServer tokenServer)
    {
        var registry = new FakeRegistry(tokenServer);
        registry._server = await LoopbackServer.StartAsync(registry.HandleAsync);
        return registry;
    }

    public string DefaultChallenge(string scope = "repository:library/alpine:pull") =>
        $"Bearer realm=\"{_tokenServer.BaseUri}token\",service=\"fake-registry\",scope=\"{scope}\"";

    private async Task HandleAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal) && _tokenServer.Issued.ContainsKey(authorization["Bearer ".Length..]))
        {
            context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
            context.Response.Headers[HeaderNames.ContentLength] = "17";
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await context.Response.WriteAsync("{\"manifest\":true}");
            }

            return;
        }

        Interlocked.Increment(ref _unauthorized);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = Challenge?.Invoke() ?? DefaultChallenge();
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;
}
