namespace Collage.Tests.Functional.Caching;

/// <summary>How a <see cref="FakeOciRegistry"/> misbehaves for every request while it is set.</summary>
internal enum UpstreamFault
{
    /// <summary>Answers from its content.</summary>
    None,

    /// <summary>Serves a blob with one byte changed: same length, wrong digest.</summary>
    WrongBytes,

    /// <summary>503 Service Unavailable.</summary>
    Unavailable,

    /// <summary>429 Too Many Requests with <see cref="FakeOciRegistry.RetryAfterSeconds"/>.</summary>
    TooManyRequests,

    /// <summary>404, whatever is asked.</summary>
    NotFound,

    /// <summary>Accepts the request and never answers.</summary>
    Hang,
}
