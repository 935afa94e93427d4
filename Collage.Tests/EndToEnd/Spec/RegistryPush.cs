using System.Net;
using System.Net.Http.Headers;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Spec;

/// <summary>Pushes to a real registry with the distribution API itself (monolithic blob upload, manifest PUT).</summary>
internal static class RegistryPush
{
    /// <summary>Uploads <paramref name="content"/> as a blob of <paramref name="repository"/>; returns its digest.</summary>
    public static async Task<string> BlobAsync(HttpClient client, string repository, byte[] content)
    {
        var digest = Sha256Digest.Of(content);
        using var start = await client.PostAsync($"v2/{repository}/blobs/uploads/", content: null);
        Expect(start, HttpStatusCode.Accepted, $"POST {repository} upload");
        var location = start.Headers.Location!;
        var upload = location.IsAbsoluteUri ? location : new Uri(client.BaseAddress!, location);
        var separator = upload.Query.Length == 0 ? '?' : '&';
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var done = await client.PutAsync($"{upload}{separator}digest={digest}", body);
        Expect(done, HttpStatusCode.Created, $"PUT {repository} blob {digest}");
        return digest;
    }

    /// <summary>PUTs <paramref name="body"/> as <paramref name="reference"/> of <paramref name="repository"/>.</summary>
    public static async Task ManifestAsync(HttpClient client, string repository, string reference, string mediaType, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await client.PutAsync($"v2/{repository}/manifests/{reference}", content);
        Expect(response, HttpStatusCode.Created, $"PUT {repository}:{reference}");
    }

    private static void Expect(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
        }
    }
}
