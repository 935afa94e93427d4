using System.Net;
using System.Net.Http.Headers;
using Collage.Transforms.Credentials;
using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Authentication;

/// <summary>
/// Basic authentication (RFC 7617) with an upstream's configured user and password, for an upstream that
/// challenges with Basic only. Remembers whether the upstream accepted them, so that later requests carry them
/// up front and save the 401. One per token handler, so only ever for that handler's own upstream.
/// </summary>
internal sealed partial class BasicAuthentication
{
    private readonly UpstreamCredential _credential;
    private readonly ILogger _logger;

    // Set once the upstream answered the credentials with anything but 401; cleared by the next 401.
    private volatile bool _accepted;

    /// <summary>Creates the Basic state for <paramref name="credential"/>, which must have a password.</summary>
    /// <param name="credential">The upstream's credentials.</param>
    /// <param name="logger">Where a rejection is reported (the token handler's logger).</param>
    public BasicAuthentication(UpstreamCredential credential, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(logger);
        if (!credential.HasPassword)
        {
            throw new ArgumentException("Basic authentication needs a user name and a password.", nameof(credential));
        }

        _credential = credential;
        _logger = logger;
    }

    /// <summary>Whether the upstream accepted the credentials the last time they were sent.</summary>
    public bool Accepted => _accepted;

    /// <summary>The <c>Authorization</c> value that carries the credentials (RFC 7617 section 2).</summary>
    public AuthenticationHeaderValue Header => new("Basic", _credential.BasicParameter());

    /// <summary>
    /// Whether a 401's challenges ask for Basic and offer no Bearer. A Bearer realm wins when there is one:
    /// its tokens are scoped to the repository, and the password then only ever goes to the token server.
    /// </summary>
    public static bool IsAskedFor(IReadOnlyList<AuthenticationChallenge> challenges) =>
        challenges.Count > 0
        && !challenges.Any(c => c.IsBearer)
        && challenges.Any(c => string.Equals(c.Scheme, "Basic", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Records the answer to a request that carried the credentials. A 401 (changed credentials, or a switch to
    /// tokens) is reported and starts the next request again from the challenge.
    /// </summary>
    /// <param name="answer">The upstream's answer.</param>
    /// <param name="origin">The upstream's origin, for the log.</param>
    public void Observe(HttpResponseMessage answer, string origin)
    {
        ArgumentNullException.ThrowIfNull(answer);
        _accepted = answer.StatusCode != HttpStatusCode.Unauthorized;
        if (!_accepted)
        {
            Log.CredentialsRejected(_logger, origin, _credential.Source);
        }
    }

    // The origin and the config key only: never the user name or the password.
    private static partial class Log
    {
        [LoggerMessage(EventIds.CredentialsRejected, LogLevel.Warning, "Upstream {Upstream} rejected the credentials configured at {CredentialSource}; passing its 401 on.", EventName = "CredentialsRejected")]
        public static partial void CredentialsRejected(ILogger logger, string upstream, string credentialSource);
    }
}
