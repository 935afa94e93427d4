using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Collage.Tests.Common;
using Collage.Transforms.Caching.Shared;
using Collage.Transforms.Diagnostics;

namespace Collage.Tests.Caching.Shared;

/// <summary>The shared store's reads, writes, listing and presigned URLs against a real s3rver.</summary>
public sealed class S3ContentStoreTests(S3rverFixture fixture) : IClassFixture<S3rverFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Upload_Small_GetLengthAndOpenGiveTheBytes()
    {
        using var store = fixture.Store();
        var (bytes, hex) = S3rverFixture.RandomContent(100_000);

        await store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);

        (await store.GetLengthAsync(hex, None)).Should().Be(bytes.Length);
        var whole = (await store.OpenAsync(hex, 0, null, None))!;
        whole.Length.Should().Be(bytes.Length);
        whole.TotalLength.Should().Be(bytes.Length);
        (await S3rverFixture.ReadAllAsync(whole)).Should().Equal(bytes);
    }

    [Theory]
    [InlineData(0L, 10L)]
    [InlineData(4_096L, 50_001L)]
    [InlineData(99_999L, 100_000L)]
    [InlineData(70_000L, null)]
    [InlineData(99_000L, 250_000L)]
    public async Task Open_Range_GivesExactlyThoseBytes(long start, long? end)
    {
        using var store = fixture.Store();
        var (bytes, hex) = S3rverFixture.RandomContent(100_000);
        await store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);

        var opened = (await store.OpenAsync(hex, start, end, None))!;

        var expected = bytes[(int)start..(int)Math.Min(end ?? bytes.Length, bytes.Length)];
        opened.Length.Should().Be(expected.Length);
        opened.TotalLength.Should().Be(bytes.Length);
        (await S3rverFixture.ReadAllAsync(opened)).Should().Equal(expected);
    }

    [Fact]
    public async Task Open_StartAtOrPastTheEnd_GivesAnEmptyBodyWithTheTotalLength()
    {
        using var store = fixture.Store();
        var (bytes, hex) = S3rverFixture.RandomContent(1_000);
        await store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);

        var past = (await store.OpenAsync(hex, 5_000, null, None))!;
        var atEnd = (await store.OpenAsync(hex, 1_000, null, None))!;

        past.Length.Should().Be(0);
        past.TotalLength.Should().Be(1_000);
        (await S3rverFixture.ReadAllAsync(past)).Should().BeEmpty();
        atEnd.Length.Should().Be(0);
        atEnd.TotalLength.Should().Be(1_000);
    }

    [Fact]
    public async Task GetLengthAndOpen_Missing_ReturnNull()
    {
        using var store = fixture.Store();
        var (_, hex) = S3rverFixture.RandomContent(10);

        (await store.GetLengthAsync(hex, None)).Should().BeNull();
        (await store.OpenAsync(hex, 0, null, None)).Should().BeNull();
        (await store.OpenAsync(hex, 5, 8, None)).Should().BeNull();
    }

    [Fact]
    public async Task Upload_ObjectThereWithTheSameLength_IsSkipped()
    {
        var logger = new RecordingLogger<S3ContentStore>();
        using var store = fixture.Store(logger);
        var (bytes, hex) = S3rverFixture.RandomContent(2_000);
        await store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);
        S3rverFixture.Logged(logger, EventIds.SharedStoreUploaded).Should().BeTrue();

        // The second upload would store other bytes if it went through: the skip keeps the first.
        var other = fixture.WriteFile(new byte[bytes.Length]);
        await store.UploadAsync(hex, other, bytes.Length, None);

        S3rverFixture.Logged(logger, EventIds.SharedStoreUploadSkipped).Should().BeTrue();
        (await S3rverFixture.ReadAllAsync((await store.OpenAsync(hex, 0, null, None))!)).Should().Equal(bytes);
    }

    [Fact]
    public async Task Upload_ObjectThereWithAnotherLength_IsReplaced()
    {
        using var store = fixture.Store();
        var (bytes, hex) = S3rverFixture.RandomContent(2_000);
        await store.UploadAsync(hex, fixture.WriteFile(bytes[..100]), 100, None);

        await store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);

        (await store.GetLengthAsync(hex, None)).Should().Be(bytes.Length);
    }

    [Fact]
    public async Task Delete_RemovesTheObject_AndAMissingOneIsNoError()
    {
        using var store = fixture.Store();
        var (bytes, hex) = S3rverFixture.RandomContent(500);
        await store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);

        await store.DeleteAsync(hex, None);
        await store.DeleteAsync(hex, None);

        (await store.GetLengthAsync(hex, None)).Should().BeNull();
    }

    [Fact]
    public async Task List_MoreObjectsThanAPage_YieldsEveryBlobOnce()
    {
        using var store = fixture.Store(listPageSize: 2);
        var uploaded = new Dictionary<string, int>();
        for (var i = 0; i < 5; i++)
        {
            var (bytes, hex) = S3rverFixture.RandomContent(100 + i);
            await store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);
            uploaded[hex] = bytes.Length;
        }

        var listed = new List<SharedObjectInfo>();
        await foreach (var item in store.ListAsync(None))
        {
            listed.Add(item);
        }

        listed.Select(i => (i.Hex, (int)i.Length)).Should().BeEquivalentTo(uploaded.Select(u => (u.Key, u.Value)));
        listed.Should().OnlyContain(i => i.Uploaded > DateTimeOffset.UtcNow.AddHours(-1) && i.Uploaded < DateTimeOffset.UtcNow.AddHours(1));
    }

    [Fact]
    public async Task List_KeysOutsideTheLayout_AreNotYielded()
    {
        var prefix = $"t{Guid.NewGuid():N}/";
        using var store = new S3ContentStore(fixture.Server.Options(prefix), TimeProvider.System, new RecordingLogger<S3ContentStore>());
        using var stray = new S3ContentStore(fixture.Server.Options(prefix + "blobs/sha256/x"), TimeProvider.System, new RecordingLogger<S3ContentStore>());
        var (bytes, hex) = S3rverFixture.RandomContent(10);
        await store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);

        // Its key is <prefix>blobs/sha256/xblobs/sha256/<hex>: under the listed prefix, but not a digest's key.
        await stray.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);

        var listed = new List<string>();
        await foreach (var item in store.ListAsync(None))
        {
            listed.Add(item.Hex);
        }

        listed.Should().Equal(hex);
    }

    [Fact]
    public async Task Presign_UrlFetchedWithAPlainClient_GivesTheBytes()
    {
        using var store = fixture.Store();
        var (bytes, hex) = S3rverFixture.RandomContent(3_000);
        await store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);

        var url = store.Presign(hex, TimeSpan.FromMinutes(5));

        url.Scheme.Should().Be("http");
        url.Query.Should().Contain("X-Amz-Signature=");
        var expires = int.Parse(Regex.Match(url.Query, "X-Amz-Expires=([0-9]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        expires.Should().BeInRange(290, 301);
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
    }

    [Fact]
    public async Task Presign_TamperedUrl_IsRefused()
    {
        using var store = fixture.Store();
        var (bytes, hex) = S3rverFixture.RandomContent(30);
        await store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);

        var url = Regex.Replace(store.Presign(hex, TimeSpan.FromMinutes(5)).ToString(), "X-Amz-Expires=[0-9]+", "X-Amz-Expires=900");
        url.Should().Contain("X-Amz-Expires=900");

        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Objects_LandUnderTheLayoutsKeys()
    {
        var prefix = $"t{Guid.NewGuid():N}/";
        using var store = new S3ContentStore(fixture.Server.Options(prefix), TimeProvider.System, new RecordingLogger<S3ContentStore>());
        var (bytes, hex) = S3rverFixture.RandomContent(64);

        await store.UploadAsync(hex, fixture.WriteFile(bytes), bytes.Length, None);

        var folder = Path.Combine(fixture.Server.Directory, S3rverServer.Bucket, prefix.TrimEnd('/'), "blobs", "sha256");
        Directory.GetFiles(folder).Select(Path.GetFileName).Should().Contain(f => f!.StartsWith(hex, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upload_MissingFile_ThrowsUnavailable()
    {
        using var store = fixture.Store();
        var (_, hex) = S3rverFixture.RandomContent(10);

        var upload = () => store.UploadAsync(hex, fixture.WriteFile([]) + "-missing", 10, None);

        await upload.Should().ThrowAsync<SharedStoreUnavailableException>().WithMessage("*PutObject*I/O error*");
    }

    [Fact]
    public void Create_AccessKeyWithoutSecretFile_Throws()
    {
        var create = () => new S3ContentStore(
            fixture.Server.Options() with { SecretAccessKeyFile = null }, TimeProvider.System, new RecordingLogger<S3ContentStore>());

        create.Should().Throw<ArgumentException>().WithMessage("*secretAccessKeyFile*");
    }
}
