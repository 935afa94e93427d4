namespace Collage.Tests.EndToEnd.Access;

/// <summary>
/// One request a client sent to Collage, as <see cref="ClientRequestRecorder"/> saw it: never a password or a token,
/// only what they say (the Basic user name, the Bearer token's claims read without checking it).
/// </summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, without the query.</param>
/// <param name="Query">The query string (e.g. the token endpoint's <c>service</c>, <c>scope</c>, <c>offline_token</c>).</param>
/// <param name="Status">The answer's status code.</param>
/// <param name="Scheme">The <c>Authorization</c> scheme (<c>Basic</c>, <c>Bearer</c>), or null when none was sent.</param>
/// <param name="BasicUser">The user name of a Basic header.</param>
/// <param name="TokenSubject">The <c>sub</c> of a Bearer token; null for an anonymous token (or none).</param>
/// <param name="TokenRepositories">The repositories a Bearer token's <c>access</c> claim lists with <c>pull</c>.</param>
/// <param name="GrantType">The <c>grant_type</c> of an OAuth 2.0 form POST to the token endpoint.</param>
/// <param name="FormUser">The <c>username</c> of that form.</param>
internal sealed record ClientRequest(
    string Method,
    string Path,
    string Query,
    int Status,
    string? Scheme,
    string? BasicUser,
    string? TokenSubject,
    IReadOnlyList<string> TokenRepositories,
    string? GrantType,
    string? FormUser)
{
    /// <summary>Whether this is a request to Collage's token endpoint.</summary>
    public bool IsTokenRequest => Path == "/v2/token";

    /// <summary>The query with its escapes undone, e.g. <c>?service=127.0.0.1:5000&amp;scope=repository:team/app:pull</c>.</summary>
    public string DecodedQuery => Uri.UnescapeDataString(Query.Replace('+', ' '));

    /// <summary>Whether a Bearer token came with it.</summary>
    public bool IsBearer => Scheme == "Bearer";

    /// <summary>Whether the path is under <c>/v2/REPOSITORY/</c> (manifests, blobs, tags).</summary>
    public bool IsFor(string repository) => Path.StartsWith($"/v2/{repository}/", StringComparison.Ordinal);

    public override string ToString()
        => $"{Method} {Path}{Query} {Status} {Scheme ?? "-"} basic={BasicUser ?? "-"} sub={TokenSubject ?? "-"} access=[{string.Join(',', TokenRepositories)}] grant={GrantType ?? "-"} username={FormUser ?? "-"}";
}
