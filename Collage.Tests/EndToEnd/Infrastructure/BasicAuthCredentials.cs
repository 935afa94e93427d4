namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>A user name and password for HTTP Basic authentication.</summary>
/// <param name="Username">The user name.</param>
/// <param name="Password">The password.</param>
internal sealed record BasicAuthCredentials(string Username, string Password)
{
    /// <summary>The <c>user:pass</c> form skopeo's <c>--creds</c> flags take.</summary>
    public string ColonSeparated => $"{Username}:{Password}";

    /// <summary>The value of an <c>Authorization</c> header.</summary>
    public string HeaderValue => "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(ColonSeparated));
}
