using System.Net;
using System.Text.Json;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>What Collage's token endpoint answered: the status, the token fields of a 200, the headers of a refusal.</summary>
internal sealed record TokenAnswer(HttpStatusCode Status, string Body, string? CacheControl, string? WwwAuthenticate, string? RetryAfter)
{
    private JsonElement? Json => Status == HttpStatusCode.OK ? JsonDocument.Parse(Body).RootElement : null;

    /// <summary>The access token (<c>token</c>, checked equal to <c>access_token</c>).</summary>
    public string Token
    {
        get
        {
            Status.Should().Be(HttpStatusCode.OK, Body);
            var token = Json!.Value.GetProperty("token").GetString()!;
            Json.Value.GetProperty("access_token").GetString().Should().Be(token);
            return token;
        }
    }

    /// <summary>The refresh token, or null when none was given.</summary>
    public string? RefreshToken => Json is { } json && json.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null;

    public int ExpiresIn => Json!.Value.GetProperty("expires_in").GetInt32();

    public string IssuedAt => Json!.Value.GetProperty("issued_at").GetString()!;
}
