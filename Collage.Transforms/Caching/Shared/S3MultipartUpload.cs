using Amazon.S3;
using Amazon.S3.Model;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// Uploads one file in parts: initiate, every part (two at a time), complete. S3 shows the object only once Complete
/// succeeded, so a failure anywhere before leaves nothing visible; the upload is then aborted (best effort) so that
/// its parts stop costing storage.
/// </summary>
internal sealed class S3MultipartUpload(IAmazonS3 client, S3StoreBreaker breaker, S3StoreLog log, string bucket, bool unsignedPayload)
{
    // Two parts in flight: a 16 MiB part at loopback speed takes tens of milliseconds, over a WAN link seconds, and
    // two overlap one part's round trip with the next one's body without tying up more than 2 parts of memory in the
    // SDK's buffers or more connections of the pool that reads share.
    private const int Parallelism = 2;

    /// <summary>Uploads <paramref name="length"/> bytes of <paramref name="path"/> as <paramref name="key"/>; returns the number of parts.</summary>
    public async Task<int> UploadAsync(string key, string path, long length, long partSize, CancellationToken cancellationToken)
    {
        var partCount = checked((int)((length + partSize - 1) / partSize));
        var uploadId = await breaker.RunAsync(
            "InitiateMultipartUpload",
            async token => (await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, token).ConfigureAwait(false)).UploadId,
            cancellationToken).ConfigureAwait(false);
        try
        {
            var etags = new PartETag[partCount];
            await Parallel.ForEachAsync(
                Enumerable.Range(1, partCount),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (number, token) =>
                {
                    var position = (number - 1) * partSize;
                    var size = Math.Min(partSize, length - position);
                    etags[number - 1] = new PartETag(number, await UploadPartAsync(key, uploadId, path, number, position, size, token).ConfigureAwait(false));
                }).ConfigureAwait(false);

            await breaker.RunAsync(
                "CompleteMultipartUpload",
                token => client.CompleteMultipartUploadAsync(
                    new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartETags = [.. etags] }, token),
                cancellationToken).ConfigureAwait(false);
            return partCount;
        }
        catch (Exception ex)
        {
            await AbortAsync(key, uploadId).ConfigureAwait(false);
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw breaker.Unavailable("UploadPart", ex);
        }
    }

    private async Task<string> UploadPartAsync(string key, string uploadId, string path, int number, long position, long size, CancellationToken cancellationToken)
    {
        // The SDK reads the part from the file itself (FilePosition, PartSize); a file shorter than the length the
        // caller claimed would be sent short and completed as a different object: refuse before sending.
        if (new FileInfo(path).Length < position + size)
        {
            throw new IOException($"The file to upload is shorter than the {position + size} bytes part {number} ends at.");
        }

        var response = await breaker.RunAsync(
            "UploadPart",
            token => client.UploadPartAsync(
                new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = number,
                    FilePath = path,
                    FilePosition = position,
                    PartSize = size,
                    DisablePayloadSigning = unsignedPayload,
                },
                token),
            cancellationToken).ConfigureAwait(false);
        return response.ETag;
    }

    // Not through the breaker and not under the caller's token: the upload failed already (perhaps because the caller
    // gave up), and an abort that fails costs only storage until the bucket's lifecycle rule for incomplete multipart
    // uploads removes the parts. The client's request timeout bounds it. s3rver has no AbortMultipartUpload (405).
    private async Task AbortAsync(string key, string uploadId)
    {
        try
        {
            await client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (S3Failures.IsStoreFailure(ex, CancellationToken.None))
        {
            log.AbortFailed(S3Failures.Describe(ex));
        }
    }
}
