using System.Net;
using System.Net.Http.Headers;

namespace Collage.Tests.EndToEnd.Infrastructure;

public sealed class CdnServerTests : IAsyncLifetime
{
    private const string BlobPath = "docker/registry/v2/blobs/sha256/ab/abcd/data";

    private readonly TempDirectory _root = TempDirectory.Create("cdn-test");
    private readonly byte[] _content = [.. Enumerable.Range(0, 4096).Select(i => (byte)i)];
    private CdnServer _cdn = null!;

    public async Task InitializeAsync()
    {
        var file = _root.Combine(BlobPath.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, _content);
        _cdn = await CdnServer.StartAsync(_root.Path);
    }

    public async Task DisposeAsync()
    {
        await _cdn.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public async Task Get_WithAuthorizationAndCookie_ServesTheFileAndRecordsTheHeaders()
    {
        using var client = new HttpClient { BaseAddress = _cdn.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, BlobPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "leaked");
        request.Headers.Add("Cookie", "session=1");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(_content);
        _cdn.BaseUri.Host.Should().Be("127.0.0.1");
        var recorded = _cdn.Requests.Should().ContainSingle().Subject;
        recorded.Should().Be(new CdnRequest("GET", "/" + BlobPath, null, HadAuthorization: true, HadCookie: true, _cdn.BaseUri.Authority));
    }

    [Fact]
    public async Task Get_WithRange_Answers206WithTheSlice()
    {
        using var client = new HttpClient { BaseAddress = _cdn.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, BlobPath);
        request.Headers.Range = new RangeHeaderValue(10, 19);

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        response.Content.Headers.ContentRange!.ToString().Should().Be("bytes 10-19/4096");
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(_content[10..20]);
        _cdn.Requests.Single().Range.Should().Be("bytes=10-19");
    }

    [Fact]
    public async Task Head_ExistingFile_AnswersLengthWithoutBody()
    {
        using var client = new HttpClient { BaseAddress = _cdn.BaseUri };

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, BlobPath));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentLength.Should().Be(_content.Length);
    }

    [Theory]
    [InlineData("docker/registry/v2/blobs/sha256/ab/missing/data")]
    [InlineData("docker/registry/v2/..%2F..%2F..%2F..%2Fetc/passwd")]
    [InlineData("other/path")]
    public async Task Get_OutsideTheStorage_Answers404(string path)
    {
        using var client = new HttpClient { BaseAddress = _cdn.BaseUri };

        using var response = await client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        _cdn.RequestCount.Should().Be(1);
    }
}
