namespace Collage.Transforms.Caching.Storage;

/// <summary>One change to the persisted index, queued for the background writer (<see cref="IndexDatabase"/>).</summary>
internal abstract record IndexOperation
{
    /// <summary>Content was committed (or its media type or last read changed).</summary>
    public sealed record PutContent(string Hex, long Size, string? MediaType, long LastAccess) : IndexOperation;

    /// <summary>Content was evicted: the row and its grants go.</summary>
    public sealed record DeleteContent(string Hex) : IndexOperation;

    /// <summary>A repository may read the content.</summary>
    public sealed record Grant(string Hex, string Repository) : IndexOperation;

    /// <summary>A tag's answer was fetched or confirmed.</summary>
    public sealed record PutTag(string Key, TagAnswer Answer) : IndexOperation;

    /// <summary>A tag is gone upstream.</summary>
    public sealed record DeleteTag(string Key) : IndexOperation;
}
