namespace Collage.Transforms.Configuration;

/// <summary>Where the pull-through cache keeps verified content (<c>cache.store</c>).</summary>
public enum CacheStore
{
    /// <summary>A local folder (<c>cache.path</c>): one replica, or replicas each with their own cache.</summary>
    Filesystem,

    /// <summary>An S3-compatible bucket (<c>cache.s3</c>) every replica reads and writes.</summary>
    S3,
}
