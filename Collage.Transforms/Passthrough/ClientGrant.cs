namespace Collage.Transforms.Passthrough;

/// <summary>
/// What a client presented to Collage's token endpoint, relayed as it came: nothing, a Basic header
/// (token spec GET), or an OAuth 2.0 password or refresh-token grant (POST form). <see cref="ToString"/>
/// prints no secret.
/// </summary>
internal sealed record ClientGrant
{
    public static readonly ClientGrant Anonymous = new();

    /// <summary>The Basic credentials parameter (base64 of user:password) of a GET, as the client sent it.</summary>
    public string? BasicParameter { get; init; }

    /// <summary>The user of a password grant.</summary>
    public string? Username { get; init; }

    /// <summary>The password of a password grant.</summary>
    public string? Password { get; init; }

    /// <summary>The refresh token of a refresh-token grant.</summary>
    public string? RefreshToken { get; init; }

    /// <summary>The client's OAuth 2.0 client_id, relayed; Collage's own when the client gave none.</summary>
    public string? ClientId { get; init; }

    /// <summary>Whether the client asked for a refresh token (GET <c>offline_token=true</c>, POST <c>access_type=offline</c>).</summary>
    public bool Offline { get; init; }

    /// <summary>Whether this is an OAuth 2.0 POST form grant.</summary>
    public bool IsForm => Username is not null || RefreshToken is not null;

    /// <summary>Whether the client presented any secret.</summary>
    public bool IsAnonymous => BasicParameter is null && !IsForm;

    /// <summary>A string that tells grants apart, for cache keys; hashed before use.</summary>
    public string Secret => $"{BasicParameter}\n{Username}\n{Password}\n{RefreshToken}";

    public override string ToString() => $"ClientGrant {{ Kind = {(IsAnonymous ? "anonymous" : IsForm ? "form" : "basic")} }}";
}
