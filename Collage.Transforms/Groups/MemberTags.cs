namespace Collage.Transforms.Groups;

/// <summary>What one member said about a repository's tags.</summary>
internal abstract record MemberTags
{
    /// <summary>Its tags, every page of them.</summary>
    public sealed record Listed(List<string> Tags) : MemberTags;

    /// <summary>It has no such repository (404).</summary>
    public sealed record Missing : MemberTags;

    /// <summary>It failed: an error status (with its Retry-After), or no answer (<paramref name="Status"/> 0).</summary>
    public sealed record Failed(int Status, bool TimedOut, string? RetryAfter) : MemberTags;
}
