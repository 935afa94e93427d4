using Collage.Transforms.Caching.Fleet;
using Collage.Transforms.Caching.Storage;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// Tag answers shared through Redis: a tag one replica revalidated is fresh for all, so the fleet sends one HEAD per
/// tag and TTL, not one per replica. The local index stays the first place to look (no round trip while its answer is
/// fresh); Redis is asked only when it has none or an expired one, and written after every local answer. Redis
/// failing means each replica revalidates on its own, as before.
/// </summary>
internal sealed class SharedTags(SharedCache shared, IFleetCoordinator fleet)
{
    /// <summary>
    /// The fleet's answer for <paramref name="key"/> when it is newer than <paramref name="local"/>, else
    /// <paramref name="local"/>.
    /// </summary>
    public async Task<TagAnswer?> FreshestAsync(string key, TagAnswer? local, CancellationToken cancellationToken)
    {
        try
        {
            var remote = await fleet.GetTagAsync(key, cancellationToken);
            return remote is not null && (local is null || remote.FetchedAt > local.FetchedAt) ? remote : local;
        }
        catch (FleetUnavailableException ex)
        {
            shared.Failed("redis", "tag", ex);
            return local;
        }
    }

    /// <summary>Shares the answer for <paramref name="key"/>, kept for <paramref name="keepFor"/>; does not wait.</summary>
    public void Put(string key, TagAnswer answer, TimeSpan keepFor) => _ = RunAsync(() => fleet.PutTagAsync(key, answer, keepFor, CancellationToken.None));

    /// <summary>Forgets the fleet's answer for <paramref name="key"/> (the tag is gone); does not wait.</summary>
    public void Delete(string key) => _ = RunAsync(() => fleet.DeleteTagAsync(key, CancellationToken.None));

    private async Task RunAsync(Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (FleetUnavailableException ex)
        {
            shared.Failed("redis", "tag", ex);
        }
    }
}
