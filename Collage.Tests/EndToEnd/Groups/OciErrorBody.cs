using System.Text.Json;

namespace Collage.Tests.EndToEnd.Groups;

/// <summary>What every failure of a group must look like to a client: an OCI error body naming no member.</summary>
internal static class OciErrorBody
{
    /// <summary>
    /// Asserts that <paramref name="body"/> is <c>{"errors":[{"code":...}]}</c> with the code
    /// <paramref name="code"/> (any when null), and that it carries none of <paramref name="members"/>' host:port, no
    /// URL and no stack trace. Returns the code.
    /// </summary>
    public static string ShouldNameNoMember(string body, IEnumerable<string> members, string? code = null, string because = "")
    {
        string? actual;
        try
        {
            using var document = JsonDocument.Parse(body);
            actual = document.RootElement.GetProperty("errors")[0].GetProperty("code").GetString();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new Xunit.Sdk.XunitException($"Expected an OCI error body {because}, got: {body}");
        }

        actual.Should().NotBeNullOrEmpty("an OCI error has a code {0}: {1}", because, body);
        if (code is not null)
        {
            actual.Should().Be(code, "{0}: {1}", because, body);
        }

        foreach (var member in members)
        {
            body.Should().NotContain(member, "a client never learns a group member's address {0}", because);
        }

        body.Should().NotContain("http://").And.NotContain("   at ", "an error carries no URL and no stack trace {0}", because);
        return actual!;
    }
}
