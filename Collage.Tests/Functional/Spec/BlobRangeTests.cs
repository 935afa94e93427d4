using System.Net;
using System.Text;
using Collage.Tests.Functional.Faults;

namespace Collage.Tests.Functional.Spec;

/// <summary>
/// Distribution spec 1.1, "Pulling blobs": a registry SHOULD support <c>Range</c> as RFC 9110 says, so a range past the
/// end is a 416 with <c>Content-Range: bytes */length</c>. distribution 2.8.2 answers it with the blob's length as
/// <c>Content-Length</c> and a 33-byte text, a body that ends before its length: Collage answers the 416 (with the
/// upstream's Content-Range) rather than a 502 for the broken body it never needed.
/// </summary>
public sealed class BlobRangeTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task GetBlob_UpstreamRangeNotSatisfiableWithAShortBody_416WithItsContentRange(string method)
    {
        // distribution 2.8.2's answer, byte for byte but the Date.
        const string answer = "HTTP/1.1 416 Requested Range Not Satisfiable\r\nContent-Length: 42\r\nContent-Range: bytes */42\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nDocker-Distribution-Api-Version: registry/2.0\r\nX-Content-Type-Options: nosniff\r\n\r\n"
            + "invalid range: failed to overlap\n";
        await using var upstream = RawTcpUpstream.Start(async (stream, ct) =>
        {
            var buffer = new byte[4096];
            _ = await stream.ReadAsync(buffer, ct);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(method == "HEAD" ? answer[..answer.IndexOf("invalid", StringComparison.Ordinal)] : answer), ct);
            await stream.FlushAsync(ct);
        });
        await using var collage = await SpecCollage.StartAsync(upstream.Authority, cached: false);
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/v2/apps/web/blobs/{Digest}");
        request.Headers.TryAddWithoutValidation("Range", "bytes=42-");

        using var response = await collage.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.RequestedRangeNotSatisfiable);
        response.Content.Headers.ContentRange!.ToString().Should().Be("bytes */42");
        if (method == "GET")
        {
            body.Should().Contain("\"UNSUPPORTED\"").And.Contain("not satisfiable");
        }
    }
}
