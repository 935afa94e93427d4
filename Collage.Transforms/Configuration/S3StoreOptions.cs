namespace Collage.Transforms.Configuration;

/// <summary>
/// The S3-compatible bucket a fleet of replicas shares as its cache (<c>cache.s3</c>, used when <c>cache.store</c> is
/// <c>"s3"</c>). Credentials come from the SDK's standard chain (environment, profile, web identity for Kubernetes
/// service accounts) unless <see cref="AccessKeyId"/> and <see cref="SecretAccessKeyFile"/> are given.
/// </summary>
public sealed record S3StoreOptions
{
    /// <summary>The bucket. Required.</summary>
    public string Bucket { get; init; } = "";

    /// <summary>The key prefix the cache's objects live under (<c>&lt;prefix&gt;blobs/sha256/&lt;hex&gt;</c>). Default empty.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>The service URL of a third-party S3 server (MinIO, Ceph, s3rver); null for AWS itself. Default null.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The region requests are signed for. Default <c>us-east-1</c>.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Path-style addressing (<c>endpoint/bucket/key</c>), which most third-party servers need. Default false.</summary>
    public bool PathStyle { get; init; }

    /// <summary>An access key id to sign with instead of the standard chain. Default null.</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>The file holding the secret access key that goes with <see cref="AccessKeyId"/> (never inline, never logged).</summary>
    public string? SecretAccessKeyFile { get; init; }

    /// <summary>
    /// Sends uploads unsigned-payload in one stream instead of the SDK's chunked (aws-chunked) signing, which
    /// third-party servers often cannot decode. Default false.
    /// </summary>
    public bool DisablePayloadSigning { get; init; }

    /// <summary>
    /// Adds and checks the SDK's flexible checksums only where the service requires them (<c>"whenRequired"</c>) or
    /// wherever it supports them (<c>"whenSupported"</c>, the SDK's default), which third-party servers may reject.
    /// The cache checks every byte against its sha256 digest either way. Default <c>"whenSupported"</c>.
    /// </summary>
    public bool ChecksumsWhenRequired { get; init; }

    /// <summary>
    /// Answers a hit with a 307 redirect to a presigned GET URL of the object instead of streaming it through Collage,
    /// as distribution does with S3: less traffic through the replicas, but clients must reach the bucket. Default false.
    /// </summary>
    public bool RedirectHits { get; init; }

    /// <summary>How long a presigned URL of <see cref="RedirectHits"/> is valid. Default 20 minutes.</summary>
    public TimeSpan PresignedUrlLifetime { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>Objects at least this long are uploaded in parts. Default 64 MiB.</summary>
    public long MultipartThreshold { get; init; } = 64L << 20;

    /// <summary>The size of one part of a multipart upload (S3's minimum is 5 MiB). Default 16 MiB.</summary>
    public long PartSize { get; init; } = 16L << 20;

    /// <summary>How long one request to the store may take before it counts as a failure (a download's first byte, a part). Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
