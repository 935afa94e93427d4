namespace Collage.Transforms.Access;

/// <summary>What a request's credentials came to.</summary>
internal enum LoginOutcome
{
    /// <summary>No credentials: the anonymous policy applies.</summary>
    Anonymous,

    /// <summary>A user who logged in.</summary>
    User,

    /// <summary>Credentials that are wrong, malformed, or of a scheme Collage does not take.</summary>
    Refused,

    /// <summary>Too many failed logins from this address or for this user name lately: not even checked.</summary>
    Throttled,
}
