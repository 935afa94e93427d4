using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Collage.Transforms.Configuration;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// Builds the SDK client of the shared store from <see cref="S3StoreOptions"/>. What third-party servers need was
/// measured against s3rver 4.0.4 (<c>S3ContentStoreCompatibilityTests</c>) with AWSSDK.S3 4.1.0.
/// </summary>
internal static class S3ClientFactory
{
    // One retry: the store is a cache, and a request that failed twice is cheaper to serve from the upstream than to
    // wait for a third attempt; the circuit breaker takes over when failures persist.
    private const int MaxErrorRetry = 1;

    /// <summary>A client for <paramref name="options"/>, and where its credentials come from (for the log).</summary>
    public static (AmazonS3Client Client, string CredentialSource) Create(S3StoreOptions options)
    {
        var config = Config(options);
        if (options.AccessKeyId is { Length: > 0 } accessKeyId)
        {
            if (options.SecretAccessKeyFile is not { Length: > 0 } secretFile)
            {
                throw new ArgumentException("cache.s3.accessKeyId needs cache.s3.secretAccessKeyFile.", nameof(options));
            }

            // Read once at start: a rotated secret takes a restart, like every other credential file of the gateway.
            var secret = File.ReadAllText(secretFile).Trim();
            if (secret.Length == 0)
            {
                throw new ArgumentException("cache.s3.secretAccessKeyFile is empty.", nameof(options));
            }

            return (new AmazonS3Client(new BasicAWSCredentials(accessKeyId, secret), config), "cache.s3.accessKeyId");
        }

        // No credentials given: SDK 4 resolves them per request through DefaultAWSCredentialsIdentityResolver
        // (environment, shared profile, web identity token for Kubernetes service accounts, container and instance
        // metadata), refreshing the temporary ones before they expire.
        return (new AmazonS3Client(config), "the SDK's default chain");
    }

    /// <summary>The client configuration for <paramref name="options"/>.</summary>
    public static AmazonS3Config Config(S3StoreOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.PathStyle,
            Timeout = options.RequestTimeout,
            MaxErrorRetry = MaxErrorRetry,
            RetryMode = RequestRetryMode.Standard,
        };
        if (options.Endpoint is { } endpoint)
        {
            // ServiceURL and RegionEndpoint exclude each other; with a service URL the region is only what requests are
            // signed for. The SDK addresses an IP-literal endpoint path-style whatever ForcePathStyle says.
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        if (options.ChecksumsWhenRequired)
        {
            // Measured with s3rver 4.0.4: by default (WHEN_SUPPORTED) the SDK sends every PutObject and UploadPart as
            // aws-chunked with a trailing CRC32 (x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER), which s3rver
            // refuses with 400 "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a
            // valid sha256 value". WHEN_REQUIRED sends a plain body signed with its sha256: PUT and multipart work.
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;

            // Not needed by s3rver (it sends no checksums, and the SDK validates only those a response carries), but a
            // server that answers x-amz-checksum-mode with a checksum of another kind of content (a ranged GET's whole
            // object) would fail reads. The cache checks every byte against its sha256 digest anyway.
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }

        return config;
    }

    /// <summary>
    /// Whether PutObject and UploadPart go unsigned-payload. Only over HTTPS: the SDK refuses an unsigned payload over
    /// plain HTTP before sending anything ("When DisablePayloadSigning is true, the request must be sent over HTTPS"),
    /// so over HTTP the payload stays signed with its sha256, which s3rver accepts.
    /// </summary>
    public static bool UnsignedPayload(S3StoreOptions options) =>
        options.DisablePayloadSigning && (options.Endpoint is null || options.Endpoint.Scheme == Uri.UriSchemeHttps);
}
