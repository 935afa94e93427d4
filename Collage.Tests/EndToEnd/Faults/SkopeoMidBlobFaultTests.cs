using Collage.Tests.Common;
using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.EndToEnd.Faults;

/// <summary>
/// A real skopeo pulls through Collage from a fake upstream that serves an image from an OCI layout and
/// breaks one layer: cut mid-blob (the upstream dies) or corrupted (right length, wrong bytes). skopeo's copy
/// must fail, never finish with wrong bytes; the intact image proves the harness pulls fine otherwise.
/// </summary>
public sealed class SkopeoMidBlobFaultTests
{
    [Theory]
    [InlineData("intact")]
    [InlineData("cut")]
    [InlineData("corrupt")]
    public async Task SkopeoCopy_UpstreamBreaksALayer_CopyFails(string fault)
    {
        using var work = TempDirectory.Create("skopeo-fault");
        var layout = new OciImageLayout(work.Combine("layout"));
        var image = layout.AddImage("v1", [300_000, 200_000], seed: 5);
        var broken = image.LayerDigests[0];
        await using var upstream = await LoopbackServer.StartAsync(context => ServeAsync(context, layout, image, broken, fault));
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{upstream.Authority}/team" } });
        using var skopeo = new Skopeo();

        ProcessResult result;
        try
        {
            result = await skopeo.CopyAsync($"docker://{collage.BaseUri.Authority}/apps/web:v1", $"dir:{work.Combine("out")}");
        }
        catch (ProcessFailedException ex)
        {
            result = ex.Result;
        }

        if (fault == "intact")
        {
            result.ExitCode.Should().Be(0, result.StandardError);
            File.ReadAllBytes(Path.Combine(work.Combine("out"), Sha256Digest.Hex(broken))).Should().Equal(File.ReadAllBytes(layout.BlobPath(broken)));
            return;
        }

        result.ExitCode.Should().NotBe(0, "skopeo must not complete a pull with a broken layer");
        upstream.Requests.Should().Contain(r => r.Path.EndsWith(broken, StringComparison.Ordinal), "the broken layer was asked for");
        if (fault == "corrupt")
        {
            result.StandardError.Should().Contain("Digest did not match", "skopeo's digest check caught the wrong bytes");
        }
        else
        {
            collage.Logs.All.Should().Contain("failed mid-blob", "the upstream died after the headers, with half the layer sent");
        }
    }

    private static async Task ServeAsync(HttpContext context, OciImageLayout layout, ImageRef image, string broken, string fault)
    {
        var path = context.Request.Path.Value!;
        if (path is "/v2/" or "/v2")
        {
            await context.Response.WriteAsync("{}");
            return;
        }

        if (path.Contains("/manifests/", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
            context.Response.Headers["Docker-Content-Digest"] = image.ManifestDigest;
            context.Response.ContentLength = image.ManifestBytes.Length;
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await context.Response.Body.WriteAsync(image.ManifestBytes);
            }

            return;
        }

        var digest = path[(path.LastIndexOf('/') + 1)..];
        var bytes = await File.ReadAllBytesAsync(layout.BlobPath(digest));
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = bytes.Length;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        if (digest != broken || fault == "intact")
        {
            await context.Response.Body.WriteAsync(bytes);
            return;
        }

        if (fault == "corrupt")
        {
            bytes[bytes.Length / 2] ^= 0xff;
            await context.Response.Body.WriteAsync(bytes);
            return;
        }

        // Ends short of its Content-Length: Kestrel sends every byte written, then closes the connection, as it can no
        // longer frame the response. An Abort here would race those bytes on their way out.
        await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
    }
}
