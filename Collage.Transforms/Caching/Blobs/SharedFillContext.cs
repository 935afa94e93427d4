using Collage.Transforms.Caching.Shared;

namespace Collage.Transforms.Caching.Blobs;

/// <summary>What a <see cref="BlobFill"/> needs when replicas share the cache (<see cref="SharedCache"/>).</summary>
/// <param name="Source">Decides whether the bytes come from the shared store or the upstream, under a lease.</param>
/// <param name="Uploads">Uploads and announces the verified blob after its local commit.</param>
/// <param name="Confirm">Asks the upstream whether the repository has the digest (HEAD answering 200).</param>
/// <param name="GrantedLocally">Whether this replica's index already grants the repository the digest.</param>
internal sealed record SharedFillContext(
    SharedBlobSource Source,
    SharedUploads Uploads,
    Func<CancellationToken, Task<bool>> Confirm,
    bool GrantedLocally);
