namespace Collage.Tests.Functional.Referrers;

/// <summary>What a <see cref="ReferrersRegistry"/> answers on <c>/v2/&lt;name&gt;/referrers/&lt;digest&gt;</c>.</summary>
public enum ReferrersSupport
{
    /// <summary>The referrers API, paged, applying <c>artifactType</c> and saying so in <c>OCI-Filters-Applied</c>.</summary>
    Api,

    /// <summary>The referrers API, paged, ignoring <c>artifactType</c> (no <c>OCI-Filters-Applied</c>).</summary>
    ApiIgnoringFilter,

    /// <summary>No such route: distribution 2.8's plain-text <c>404 page not found</c>.</summary>
    NotFound,

    /// <summary>No API, answered with an OCI error body (<c>404 UNSUPPORTED</c>).</summary>
    NotFoundOciError,

    /// <summary>No API: <c>405 Method Not Allowed</c>.</summary>
    MethodNotAllowed,

    /// <summary>No API: <c>501 Not Implemented</c>.</summary>
    NotImplemented,
}
