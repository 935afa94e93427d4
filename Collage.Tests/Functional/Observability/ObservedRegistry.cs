using System.Text;
using Collage.Tests.Common;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Observability;

/// <summary>
/// An upstream registry with one repository, <c>team/web</c>: a manifest, and a blob that it sends to a CDN
/// on another port with a signed query (<see cref="Signature"/>), as S3 and CloudFront do.
/// </summary>
internal sealed class ObservedRegistry : IAsyncDisposable
{
    public const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static readonly byte[] Manifest = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"layers\":[]}");

    public static readonly byte[] Blob = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();

    private ObservedRegistry(LoopbackServer upstream, LoopbackServer cdn, string signature)
    {
        Upstream = upstream;
        Cdn = cdn;
        Signature = signature;
    }

    public LoopbackServer Upstream { get; }

    public LoopbackServer Cdn { get; }

    /// <summary>The secret in the CDN URL's query, unique per instance.</summary>
    public string Signature { get; }

    /// <summary>A config mounting <c>apps</c> on the upstream's <c>team</c> namespace, plus <paramref name="extra"/> keys.</summary>
    public Dictionary<string, object> Config(Dictionary<string, object>? extra = null)
    {
        var config = new Dictionary<string, object> { ["mappings"] = new Dictionary<string, string> { ["apps"] = $"http://{Upstream.Authority}/team" } };
        foreach (var (key, value) in extra ?? [])
        {
            config[key] = value;
        }

        return config;
    }

    public static async Task<ObservedRegistry> StartAsync()
    {
        var signature = "cdnsig" + Guid.NewGuid().ToString("N");
        var cdn = await LoopbackServer.StartAsync(context => context.Response.Body.WriteAsync(Blob).AsTask());
        var target = cdn.Url($"/blobs/web?X-Amz-Signature={signature}&X-Amz-Expires=300").AbsoluteUri;
        var upstream = await LoopbackServer.StartAsync(context =>
        {
            switch (context.Request.Path.Value)
            {
                case "/v2/":
                    return Task.CompletedTask;
                case "/v2/team/web/manifests/v1":
                    context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
                    context.Response.ContentLength = Manifest.Length;
                    return context.Response.Body.WriteAsync(Manifest).AsTask();
                case "/v2/team/web/blobs/" + Digest:
                    context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                    context.Response.Headers.Location = target;
                    return Task.CompletedTask;
                default:
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
            }
        });
        return new ObservedRegistry(upstream, cdn, signature);
    }

    public async ValueTask DisposeAsync()
    {
        await Upstream.DisposeAsync();
        await Cdn.DisposeAsync();
    }
}
