namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// The cache's verified bytes in a store every replica reads (S3-compatible object storage, <c>cache.store: "s3"</c>),
/// content-addressed under <c>&lt;prefix&gt;blobs/sha256/&lt;hex&gt;</c>. Only content whose digest was checked is ever
/// uploaded, and an upload that fails leaves nothing visible (a multipart upload is completed last, or aborted).
/// Every member throws <see cref="SharedStoreUnavailableException"/> when the store cannot be used (unreachable,
/// refused, timed out), so that callers degrade to streaming from the upstream; "not there" is never an exception.
/// </summary>
internal interface ISharedContentStore
{
    /// <summary>The length of the stored object of <paramref name="hex"/>, or null when there is none.</summary>
    Task<long?> GetLengthAsync(string hex, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the object of <paramref name="hex"/> for reading, the whole of it or the bytes
    /// [<paramref name="start"/>, <paramref name="end"/>) of it; null when there is none. An end past the object's end
    /// is cut to it; a start at or past the end gives an empty body (<see cref="SharedObject.Length"/> 0) with the
    /// object's <see cref="SharedObject.TotalLength"/>, so that the caller can answer 416 with <c>bytes */total</c>.
    /// </summary>
    Task<SharedObject?> OpenAsync(string hex, long start, long? end, CancellationToken cancellationToken);

    /// <summary>
    /// Uploads the verified file at <paramref name="path"/> (<paramref name="length"/> bytes) as the object of
    /// <paramref name="hex"/>: one PUT below the multipart threshold, else a multipart upload completed only after
    /// every part arrived (aborted on failure). An object already there is left as it is.
    /// </summary>
    Task UploadAsync(string hex, string path, long length, CancellationToken cancellationToken);

    /// <summary>Deletes the object of <paramref name="hex"/>; nothing happens when there is none.</summary>
    Task DeleteAsync(string hex, CancellationToken cancellationToken);

    /// <summary>Every object under the cache's prefix: its digest hex, length and upload time.</summary>
    IAsyncEnumerable<SharedObjectInfo> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A presigned GET URL for the object of <paramref name="hex"/>, valid for <paramref name="lifetime"/>
    /// (<c>cache.s3.redirectHits</c>); computed locally, no request.
    /// </summary>
    Uri Presign(string hex, TimeSpan lifetime);
}
