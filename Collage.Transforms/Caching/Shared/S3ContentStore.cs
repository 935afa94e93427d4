using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// The shared content store on an S3-compatible bucket (AWSSDK.S3): objects under
/// <c>&lt;prefix&gt;blobs/sha256/&lt;hex&gt;</c>, every request through one circuit breaker
/// (<see cref="S3StoreBreaker"/>), so that an unreachable store fails fast with
/// <see cref="SharedStoreUnavailableException"/> and the cache streams from its upstreams.
/// </summary>
internal sealed class S3ContentStore : ISharedContentStore, IDisposable
{
    private readonly S3StoreOptions _options;
    private readonly AmazonS3Client _client;
    private readonly S3ObjectKeys _keys;
    private readonly S3StoreBreaker _breaker;
    private readonly S3StoreLog _log;
    private readonly S3MultipartUpload _multipart;
    private readonly bool _unsignedPayload;
    private readonly TimeProvider _time;
    private readonly S3ObjectReader _reader;

    /// <summary>Creates the client for <paramref name="options"/> (reading the secret key file now, if one is configured).</summary>
    public S3ContentStore(S3StoreOptions options, TimeProvider time, ILogger<S3ContentStore> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.Bucket, "cache.s3.bucket");
        if (options.PartSize < 1 || options.MultipartThreshold < 1)
        {
            throw new ArgumentException("cache.s3 part size and multipart threshold must be positive.", nameof(options));
        }

        _options = options;
        _time = time;
        _log = new S3StoreLog(logger);
        (_client, var credentials) = S3ClientFactory.Create(options);
        _keys = new S3ObjectKeys(options.Prefix);
        _breaker = new S3StoreBreaker(time, _log);
        _unsignedPayload = S3ClientFactory.UnsignedPayload(options);
        _multipart = new S3MultipartUpload(_client, _breaker, _log, options.Bucket, _unsignedPayload);
        _reader = new S3ObjectReader(options.RequestTimeout);
        _log.Opened(options.Bucket, options.Prefix, credentials);
    }

    /// <summary>Whether the store takes requests (its circuit is not open), for metrics and <c>/readyz</c>.</summary>
    public bool IsAvailable => _breaker.IsAvailable;

    // How long the URL of one read is valid: it is used at once; the margin covers clock skew against the server.
    private static readonly TimeSpan ReadUrlLifetime = TimeSpan.FromMinutes(15);

    /// <summary>How many keys one ListObjectsV2 page asks for; S3's maximum, smaller in tests to exercise paging.</summary>
    internal int ListPageSize { get; init; } = 1000;

    /// <inheritdoc/>
    public Task<long?> GetLengthAsync(string hex, CancellationToken cancellationToken)
    {
        var key = _keys.Of(hex);
        return _breaker.RunAsync<long?>(
            "HeadObject",
            async token =>
            {
                try
                {
                    var head = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = key }, token).ConfigureAwait(false);
                    return head.ContentLength;
                }
                catch (Exception ex) when (S3Failures.IsNotFound(ex))
                {
                    return null;
                }
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A range that starts at or past the end of the object (S3 answers 416) opens as an empty body with the object's
    /// length, learnt by a HEAD: the object is there, the range holds nothing, as <c>Stream.Read</c> at the end would say.
    /// </remarks>
    public async Task<SharedObject?> OpenAsync(string hex, long start, long? end, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        if (end is { } last && last < start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), "The end of a range is before its start.");
        }

        if (end == start)
        {
            // HTTP ranges cannot say "no bytes": only whether the object exists matters.
            return await GetLengthAsync(hex, cancellationToken).ConfigureAwait(false) is { } total ? Empty(total) : null;
        }

        // Through a presigned URL and a handler of Collage's own (S3ObjectReader): twice the SDK's GetObject here.
        var url = Presign(hex, ReadUrlLifetime);
        var response = await _breaker.RunAsync("GetObject", token => _reader.GetAsync(url, start, end, token), cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            // Not there, or a range past the end (a 416): tell them apart by the object's length.
            return start > 0 && await GetLengthAsync(hex, cancellationToken).ConfigureAwait(false) is { } total ? Empty(total) : null;
        }

        var length = response.Content.Headers.ContentLength!.Value;
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new SharedObject(new S3ResponseBody(body, response), length, response.Content.Headers.ContentRange?.Length ?? length);
    }

    /// <inheritdoc/>
    public async Task UploadAsync(string hex, string path, long length, CancellationToken cancellationToken)
    {
        var key = _keys.Of(hex);
        if (await GetLengthAsync(hex, cancellationToken).ConfigureAwait(false) == length)
        {
            // Content-addressed: the same digest and length is the same content, uploaded by another replica already.
            // A different length is a damaged object, which the upload replaces.
            _log.UploadSkipped(hex, length);
            return;
        }

        var started = _time.GetTimestamp();
        var parts = 1;
        if (length < _options.MultipartThreshold)
        {
            await PutAsync(key, path, length, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            parts = await _multipart.UploadAsync(key, path, length, _options.PartSize, cancellationToken).ConfigureAwait(false);
        }

        _log.Uploaded(hex, length, parts, _time.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <inheritdoc/>
    public Task DeleteAsync(string hex, CancellationToken cancellationToken)
    {
        var key = _keys.Of(hex);

        // S3 answers a DELETE of a missing key with 204 like any other; s3rver too.
        return _breaker.RunAsync(
            "DeleteObject",
            token => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = key }, token),
            cancellationToken);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SharedObjectInfo> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continuation = null;
        do
        {
            var request = new ListObjectsV2Request
            {
                BucketName = _options.Bucket,
                Prefix = _keys.BlobPrefix,
                MaxKeys = ListPageSize,
                ContinuationToken = continuation,
            };
            var page = await _breaker.RunAsync(
                "ListObjectsV2", token => _client.ListObjectsV2Async(request, token), cancellationToken).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
            {
                if (_keys.HexOf(item.Key) is { } hex)
                {
                    yield return new SharedObjectInfo(
                        hex,
                        item.Size ?? 0,
                        item.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue);
                }
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);
    }

    /// <inheritdoc/>
    public Uri Presign(string hex, TimeSpan lifetime)
    {
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _options.Bucket,
            Key = _keys.Of(hex),
            Verb = HttpVerb.GET,
            // On the SDK's clock, not the TimeProvider: the SDK signs X-Amz-Date with its own (skew-corrected) clock
            // and turns Expires into X-Amz-Expires seconds from then.
            Expires = DateTime.UtcNow.Add(lifetime),
            Protocol = _options.Endpoint is { Scheme: "http" } ? Protocol.HTTP : Protocol.HTTPS,
        };
        return new Uri(_client.GetPreSignedURL(request));
    }

    /// <summary>Disposes the SDK client and the reader (their connections).</summary>
    public void Dispose()
    {
        _client.Dispose();
        _reader.Dispose();
    }

    private static SharedObject Empty(long total) => new(Stream.Null, 0, total);

    private async Task PutAsync(string key, string path, long length, CancellationToken cancellationToken)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (IOException ex)
        {
            // Like every other failure of an upload: the caller goes on without the shared copy.
            throw _breaker.Unavailable("PutObject", ex);
        }

        await using (file.ConfigureAwait(false))
        {
            if (file.Length != length)
            {
                throw _breaker.Unavailable("PutObject", new IOException("The file to upload does not have the length claimed."));
            }

            await _breaker.RunAsync(
                "PutObject",
                token =>
                {
                    // A retry re-sends the stream from where the first attempt started.
                    file.Position = 0;
                    return _client.PutObjectAsync(
                        new PutObjectRequest
                        {
                            BucketName = _options.Bucket,
                            Key = key,
                            InputStream = file,
                            AutoCloseStream = false,
                            DisablePayloadSigning = _unsignedPayload,
                        },
                        token);
                },
                cancellationToken).ConfigureAwait(false);
        }
    }
}
