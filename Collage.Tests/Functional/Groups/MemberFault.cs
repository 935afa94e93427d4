namespace Collage.Tests.Functional.Groups;

/// <summary>How a <see cref="MemberRegistry"/> misbehaves for every registry request while it is set.</summary>
public enum MemberFault
{
    /// <summary>Answers from its content.</summary>
    None,

    /// <summary>Reads the request, then resets the connection without a byte of answer.</summary>
    Reset,

    /// <summary>500 Internal Server Error.</summary>
    InternalError,

    /// <summary>503 Service Unavailable.</summary>
    Unavailable,

    /// <summary>429 Too Many Requests with a <c>Retry-After</c> of <see cref="MemberRegistry.RetryAfterSeconds"/>.</summary>
    TooManyRequests,

    /// <summary>Accepts the request and never answers.</summary>
    Hang,

    /// <summary>A blob's headers and half its body, then (once <see cref="MemberRegistry.CutBody"/> is set) a reset.</summary>
    DiesMidBody,
}
