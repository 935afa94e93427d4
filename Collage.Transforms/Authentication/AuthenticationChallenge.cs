using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace Collage.Transforms.Authentication;

/// <summary>
/// One challenge of a <c>WWW-Authenticate</c> header: an auth-scheme and its auth-params
/// (RFC 7235 section 2.1).
/// </summary>
internal sealed class AuthenticationChallenge
{
    private static readonly IReadOnlyDictionary<string, string> NoParameters =
        new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));

    public AuthenticationChallenge(string scheme, IReadOnlyDictionary<string, string>? parameters = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        Scheme = scheme;
        Parameters = parameters ?? NoParameters;
    }

    /// <summary>The auth-scheme as sent; compare it case-insensitively (RFC 7235 section 2.1).</summary>
    public string Scheme { get; }

    /// <summary>
    /// The auth-params with quotes removed and escapes undone. Lookups ignore case, since
    /// "parameter names are matched case-insensitively" (RFC 7235 section 2.1).
    /// Empty when the challenge carried none, or a token68, or a malformed list.
    /// </summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>Whether this is a Bearer challenge (RFC 6750 section 3), whatever the case of the scheme.</summary>
    public bool IsBearer => string.Equals(Scheme, "Bearer", StringComparison.OrdinalIgnoreCase);

    public bool TryGetParameter(string name, [NotNullWhen(true)] out string? value) =>
        Parameters.TryGetValue(name, out value);

    public override string ToString() => Scheme;
}
