namespace Collage.Transforms.Referrers;

/// <summary>What one request of the referrers responder to an upstream came to.</summary>
internal abstract record UpstreamReply
{
    /// <summary>An answer: its status, body (null when larger than the cap) and the headers the responder reads.</summary>
    public sealed record Answered(
        int Status,
        byte[]? Body,
        string? ContentType,
        string? Link,
        bool FiltersApplied,
        string? RetryAfter,
        string? AnnouncedDigest) : UpstreamReply;

    /// <summary>No answer: refused, reset, or silent past the activity timeout.</summary>
    public sealed record Unreachable(bool TimedOut) : UpstreamReply;
}
