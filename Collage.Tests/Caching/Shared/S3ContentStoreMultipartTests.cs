using Collage.Tests.Common;
using Collage.Transforms.Caching.Shared;
using Collage.Transforms.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Caching.Shared;

/// <summary>Multipart uploads: against s3rver, and against a fake S3 on Kestrel that fails a part.</summary>
public sealed class S3ContentStoreMultipartTests(S3rverFixture fixture) : IClassFixture<S3rverFixture>
{
    // s3rver takes parts below S3's 5 MiB minimum (measured: 1 MiB parts complete), which keeps these tests small.
    private const int PartSize = 1 << 20;
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Upload_AboveTheThreshold_GoesInPartsAndReadsBackByteExact()
    {
        var logger = new RecordingLogger<S3ContentStore>();
        using var store = fixture.Store(logger, o => o with { MultipartThreshold = PartSize, PartSize = PartSize });
        var (bytes, hex) = S3rverFixture.RandomContent((2 * PartSize) + (PartSize / 2));

        await store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);

        logger.Entries.Should().Contain(e => e.EventId.Id == EventIds.SharedStoreUploaded && e.Message.Contains("3 parts", StringComparison.Ordinal));
        (await store.GetLengthAsync(hex, None)).Should().Be(bytes.Length);
        (await S3rverFixture.ReadAllAsync((await store.OpenAsync(hex, 0, null, None))!)).Should().Equal(bytes);
        var acrossParts = (await store.OpenAsync(hex, PartSize - 10, PartSize + 10, None))!;
        (await S3rverFixture.ReadAllAsync(acrossParts)).Should().Equal(bytes[(PartSize - 10)..(PartSize + 10)]);
    }

    [Fact]
    public async Task Upload_FileShorterThanClaimed_FailsMidwayAndLeavesNothingVisible()
    {
        var logger = new RecordingLogger<S3ContentStore>();
        using var store = fixture.Store(logger, o => o with { MultipartThreshold = PartSize, PartSize = PartSize });
        var (bytes, hex) = S3rverFixture.RandomContent((2 * PartSize) + 100);

        // Parts 1 and 2 go up; part 3 would end past the end of the file.
        var upload = () => store.UploadAsync(hex, fixture.WriteFile(bytes), 3L * PartSize, None);

        await upload.Should().ThrowAsync<SharedStoreUnavailableException>().WithMessage("*UploadPart*");
        (await store.GetLengthAsync(hex, None)).Should().BeNull();

        // The abort was tried: s3rver has no AbortMultipartUpload (405), which is logged at debug and nothing more.
        logger.Entries.Should().Contain(e => e.EventId.Id == EventIds.SharedStoreAbortFailed && e.Message.Contains("HTTP 405", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upload_SecondPartFails_IsAbortedAndNeverCompleted()
    {
        await using var s3 = await LoopbackServer.StartAsync(FakeS3FailingPart2);
        var secret = Path.Combine(fixture.Server.Directory, "..", $"fake-secret-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(secret, "fake-secret");
        var options = fixture.Server.Options() with { Endpoint = s3.BaseUri, SecretAccessKeyFile = secret, MultipartThreshold = PartSize, PartSize = PartSize };
        using var store = new S3ContentStore(options, TimeProvider.System, new RecordingLogger<S3ContentStore>());
        var (bytes, hex) = S3rverFixture.RandomContent(3 * PartSize);

        var upload = () => store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);

        (await upload.Should().ThrowAsync<SharedStoreUnavailableException>()).Which.Message.Should().Contain("HTTP 500");
        var requests = s3.Requests;
        requests.Should().Contain(r => r.Method == "PUT" && r.Query["partNumber"] == "2");
        requests.Should().Contain(r => r.Method == "DELETE" && r.Query["uploadId"] == "upload-1", "the failed upload is aborted");
        requests.Should().NotContain(r => r.Method == "POST" && r.Query.ContainsKey("uploadId"), "an upload with a failed part is never completed");
    }

    // HEAD: not there. POST ?uploads: initiate. PUT ?partNumber: 500 for part 2, else an ETag. DELETE: abort.
    private static async Task FakeS3FailingPart2(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        await request.Body.CopyToAsync(Stream.Null);
        if (request.Method == "HEAD")
        {
            response.StatusCode = StatusCodes.Status404NotFound;
        }
        else if (request.Method == "POST" && request.Query.ContainsKey("uploads"))
        {
            response.ContentType = "application/xml";
            await response.WriteAsync(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult><Bucket>collage</Bucket><Key>k</Key><UploadId>upload-1</UploadId></InitiateMultipartUploadResult>");
        }
        else if (request.Method == "PUT" && request.Query["partNumber"] == "2")
        {
            response.StatusCode = StatusCodes.Status500InternalServerError;
            response.ContentType = "application/xml";
            await response.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>");
        }
        else if (request.Method == "PUT")
        {
            response.Headers.ETag = $"\"etag-{request.Query["partNumber"]}\"";
        }
        else if (request.Method == "DELETE")
        {
            response.StatusCode = StatusCodes.Status204NoContent;
        }
        else
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }
}
