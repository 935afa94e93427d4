namespace Collage.Tests.Functional.Referrers;

/// <summary>How a <see cref="ReferrersRegistry"/> misbehaves on one kind of request while it is set.</summary>
public enum ReferrersFault
{
    /// <summary>Answers from its content.</summary>
    None,

    /// <summary>503 Service Unavailable with an OCI error body.</summary>
    Unavailable,

    /// <summary>500 with a body naming the upstream's internals.</summary>
    InternalError,

    /// <summary>429 Too Many Requests with <see cref="ReferrersRegistry.RetryAfterSeconds"/>.</summary>
    TooManyRequests,

    /// <summary>401 with a Bearer challenge of the upstream's own realm.</summary>
    Unauthorized,

    /// <summary>403 DENIED.</summary>
    Forbidden,

    /// <summary>Accepts the request and never answers.</summary>
    Hang,

    /// <summary>Aborts the connection without an answer.</summary>
    Reset,

    /// <summary>A manifest whose body is not what its <c>Docker-Content-Digest</c> announces.</summary>
    WrongDigest,
}
