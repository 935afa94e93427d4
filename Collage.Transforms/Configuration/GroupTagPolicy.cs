namespace Collage.Transforms.Configuration;

/// <summary>
/// Which members of an upstream group answer by-tag requests (manifests by tag, <c>tags/list</c>). By-digest requests
/// may be answered by any member: content is named by its hash, so every member that has it has the same bytes.
/// </summary>
public enum GroupTagPolicy
{
    /// <summary>
    /// The first member that answers: one that fails (down, timeout, 5xx, 429) or lacks the tag (404) passes the request
    /// to the next; <c>tags/list</c> merges every member's tags. The default.
    /// </summary>
    FirstHealthy,

    /// <summary>
    /// The first member only, for groups whose later members may hold stale tags (a mirror that lags): a tag the first
    /// member cannot answer is not looked up elsewhere, and <c>tags/list</c> is the first member's.
    /// </summary>
    PrimaryOnly,
}
