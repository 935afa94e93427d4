using System.Text.Json;

namespace Collage.Tests.EndToEnd.Access;

/// <summary>The JSON of a 200 from Collage's token endpoint.</summary>
/// <param name="Token">The <c>token</c> field (equal to <c>access_token</c>, checked on parse).</param>
/// <param name="RefreshToken">The <c>refresh_token</c> field, when one was issued.</param>
/// <param name="ExpiresIn">The <c>expires_in</c> field, in seconds.</param>
internal sealed record TokenAnswer(string Token, string? RefreshToken, int ExpiresIn)
{
    /// <summary>Parses an answer; throws unless <c>token</c> and <c>access_token</c> are present and equal.</summary>
    public static TokenAnswer Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var token = root.GetProperty("token").GetString()!;
        if (root.GetProperty("access_token").GetString() != token)
        {
            throw new FormatException($"token and access_token differ: {json}");
        }

        return new TokenAnswer(
            token,
            root.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
            root.GetProperty("expires_in").GetInt32());
    }
}
