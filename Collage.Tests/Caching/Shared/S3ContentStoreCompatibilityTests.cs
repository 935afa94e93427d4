using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Collage.Tests.Common;
using Collage.Transforms.Caching.Shared;

namespace Collage.Tests.Caching.Shared;

/// <summary>
/// Which SDK settings a third-party server (s3rver 4.0.4) needs, shown by what fails without each: the settings
/// <see cref="S3ClientFactory"/> applies and the reasons in its comments.
/// </summary>
public sealed class S3ContentStoreCompatibilityTests(S3rverFixture fixture) : IClassFixture<S3rverFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task DefaultChecksums_PutIsRefusedByS3rver()
    {
        // The SDK's default (WHEN_SUPPORTED) sends aws-chunked bodies with a trailing CRC32, which s3rver cannot read.
        using var store = fixture.Store(configure: o => o with { ChecksumsWhenRequired = false });
        var (bytes, hex) = S3rverFixture.RandomContent(100);

        var upload = () => store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);

        await upload.Should().ThrowAsync<SharedStoreUnavailableException>().WithMessage("*PutObject*HTTP 400*");
        (await store.GetLengthAsync(hex, None)).Should().BeNull();
    }

    [Fact]
    public async Task DefaultChecksums_MultipartIsRefusedByS3rver()
    {
        using var store = fixture.Store(configure: o => o with { ChecksumsWhenRequired = false, MultipartThreshold = 1 << 20, PartSize = 1 << 20 });
        var (bytes, hex) = S3rverFixture.RandomContent((1 << 20) + 1);

        var upload = () => store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);

        await upload.Should().ThrowAsync<SharedStoreUnavailableException>().WithMessage("*HTTP 400*");
        (await store.GetLengthAsync(hex, None)).Should().BeNull();
    }

    [Fact]
    public async Task DefaultChecksums_ReadsWork()
    {
        // Only writes need the setting: s3rver sends no checksums, and the SDK validates only those a response has.
        using var writer = fixture.Store();
        var (bytes, hex) = S3rverFixture.RandomContent(5_000);
        await writer.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);
        using var reader = new S3ContentStore(
            fixture.Server.Options() with { Prefix = PrefixOf(writer, hex), ChecksumsWhenRequired = false },
            TimeProvider.System,
            new RecordingLogger<S3ContentStore>());

        (await S3rverFixture.ReadAllAsync((await reader.OpenAsync(hex, 100, 200, None))!)).Should().Equal(bytes[100..200]);
        (await S3rverFixture.ReadAllAsync((await reader.OpenAsync(hex, 0, null, None))!)).Should().Equal(bytes);
    }

    [Fact]
    public async Task DisablePayloadSigning_OverHttp_IsRefusedBySdkBeforeSending_SoTheStoreSignsThePayload()
    {
        var options = fixture.Server.Options();
        using var client = new AmazonS3Client(new BasicAWSCredentials(S3rverServer.AccessKey, S3rverServer.AccessKey), S3ClientFactory.Config(options));
        var request = new PutObjectRequest
        {
            BucketName = S3rverServer.Bucket,
            Key = "raw/" + Guid.NewGuid().ToString("N"),
            ContentBody = "x",
            DisablePayloadSigning = true,
        };

        var put = () => client.PutObjectAsync(request, None);

        (await put.Should().ThrowAsync<AmazonClientException>()).Which.Message.Should().Contain("HTTPS");
        S3ClientFactory.UnsignedPayload(options).Should().BeFalse();
        S3ClientFactory.UnsignedPayload(options with { Endpoint = new Uri("https://127.0.0.1:9000/") }).Should().BeTrue();
        S3ClientFactory.UnsignedPayload(options with { Endpoint = null }).Should().BeTrue();
        S3ClientFactory.UnsignedPayload(options with { Endpoint = null, DisablePayloadSigning = false }).Should().BeFalse();
    }

    [Fact]
    public async Task VirtualHostStyle_OnAnIpEndpoint_IsAddressedPathStyleAndWorks()
    {
        // The SDK cannot put a bucket in front of an IP address as a host name; it falls back to path-style.
        using var store = fixture.Store(configure: o => o with { PathStyle = false });
        var (bytes, hex) = S3rverFixture.RandomContent(300);

        await store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);

        (await store.GetLengthAsync(hex, None)).Should().Be(300);
        (await store.ListAsync(None).CountAsync()).Should().Be(1);
    }

    [Fact]
    public void Config_ChecksumsWhenRequired_SetsBothSettings_ElseKeepsTheSdkDefaults()
    {
        var options = fixture.Server.Options();

        var config = S3ClientFactory.Config(options);
        var defaults = S3ClientFactory.Config(options with { ChecksumsWhenRequired = false });

        config.RequestChecksumCalculation.Should().Be(RequestChecksumCalculation.WHEN_REQUIRED);
        config.ResponseChecksumValidation.Should().Be(ResponseChecksumValidation.WHEN_REQUIRED);
        defaults.RequestChecksumCalculation.Should().Be(RequestChecksumCalculation.WHEN_SUPPORTED);
        config.MaxErrorRetry.Should().Be(1);
        config.Timeout.Should().Be(options.RequestTimeout);
        config.ForcePathStyle.Should().BeTrue();
        config.AuthenticationRegion.Should().Be("us-east-1");
    }

    // The prefix the fixture gave the writer: the key of a presigned URL is <bucket>/<prefix>blobs/sha256/<hex>.
    private static string PrefixOf(S3ContentStore store, string hex)
    {
        var path = store.Presign(hex, TimeSpan.FromMinutes(1)).AbsolutePath;
        var start = ("/" + S3rverServer.Bucket + "/").Length;
        return path[start..path.IndexOf("blobs/sha256/", StringComparison.Ordinal)];
    }
}
