using System.Text;
using System.Text.Json;

namespace Collage.Tests.Functional.Groups;

/// <summary>Reads and checks what a client got from a group.</summary>
internal static class GroupAnswers
{
    public static readonly byte[] Manifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}""");

    public static readonly byte[] OtherManifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[],"annotations":{"other":"yes"}}""");

    /// <summary>Deterministic content of <paramref name="length"/> bytes, different per <paramref name="seed"/>.</summary>
    public static byte[] Blob(int length = 256 * 1024, int seed = 7)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The OCI error code of an error answer.</summary>
    public static string? ErrorCode(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("errors")[0].GetProperty("code").GetString();
    }

    /// <summary>
    /// Asserts that nothing of the answer (status line aside: its headers and body) names a member: its address, its
    /// port or its namespace.
    /// </summary>
    public static void ShouldNameNoMember(HttpResponseMessage response, byte[] body, params MemberRegistry[] members)
    {
        var text = Encoding.UTF8.GetString(body) + "\n" + response.Headers + "\n" + response.Content.Headers;
        text.Should().NotContain("127.0.0.1");
        foreach (var member in members)
        {
            var port = member.Authority.Split(':')[1];
            text.Should().NotContain(member.Authority).And.NotContain(member.Namespace);

            // The port on its own, but not as a run of digits inside a digest's hex.
            text.Should().NotMatchRegex($"(?<![0-9a-f]){port}(?![0-9a-f])");
        }
    }
}
