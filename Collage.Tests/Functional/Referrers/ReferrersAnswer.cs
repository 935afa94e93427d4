using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Collage.Tests.Functional.Referrers;

/// <summary>One answer of Collage to a referrers request, its body read, with the checks every referrers test makes.</summary>
internal sealed class ReferrersAnswer : IDisposable
{
    private ReferrersAnswer(HttpResponseMessage response, byte[] body)
    {
        Response = response;
        Body = body;
    }

    public HttpResponseMessage Response { get; }

    public byte[] Body { get; }

    public HttpStatusCode Status => Response.StatusCode;

    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The index's <c>manifests</c>, parsed.</summary>
    public JsonArray Manifests => JsonNode.Parse(Body)!["manifests"]!.AsArray();

    /// <summary>Every value of <paramref name="name"/>, response and content headers alike, or null.</summary>
    public string? Header(string name) =>
        Response.Headers.TryGetValues(name, out var values) || Response.Content.Headers.TryGetValues(name, out values) ? string.Join(',', values) : null;

    /// <summary>Sends <paramref name="method"/> (GET by default) for <paramref name="path"/>, with a Bearer token when given.</summary>
    public static async Task<ReferrersAnswer> SendAsync(HttpClient client, string path, HttpMethod? method = null, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await ReadAsync(await client.SendAsync(request));
    }

    /// <summary>Reads the body of <paramref name="response"/>, which the answer then owns.</summary>
    public static async Task<ReferrersAnswer> ReadAsync(HttpResponseMessage response) =>
        new(response, await response.Content.ReadAsByteArrayAsync());

    /// <summary>
    /// A 200 OCI image index (media type in the header and the body, schemaVersion 2, Content-Length of the body)
    /// whose descriptors are exactly <paramref name="expected"/>, in order.
    /// </summary>
    public void ShouldBeIndexOf(params JsonObject[] expected)
    {
        Status.Should().Be(HttpStatusCode.OK, Text);
        Response.Content.Headers.ContentType!.MediaType.Should().Be(Artifact.ImageIndex);
        if (Response.Content.Headers.ContentLength is { } length)
        {
            length.Should().Be(Body.Length, "Content-Length announces the body sent");
        }

        var index = JsonNode.Parse(Body)!;
        index["schemaVersion"]!.GetValue<int>().Should().Be(2);
        index["mediaType"]!.GetValue<string>().Should().Be(Artifact.ImageIndex);
        var manifests = index["manifests"]!.AsArray();
        manifests.Should().HaveCount(expected.Length, Text);
        for (var i = 0; i < expected.Length; i++)
        {
            JsonNode.DeepEquals(manifests[i], expected[i]).Should().BeTrue("descriptor {0} should be {1} but was {2}", i, expected[i].ToJsonString(), manifests[i]!.ToJsonString());
        }
    }

    /// <summary>The status and OCI error code, and a body naming none of <paramref name="registry"/>'s address or names.</summary>
    public async Task ShouldBeErrorAsync(HttpStatusCode status, string code, ReferrersRegistry registry)
    {
        Status.Should().Be(status, Text);
        (await ErrorAnswerTests.ErrorCodeAsync(Response)).Should().Be(code);
        ShouldNameNothingOf(registry);
    }

    /// <summary>Neither the body nor any header names the upstream's host, port or repository.</summary>
    public void ShouldNameNothingOf(ReferrersRegistry registry)
    {
        // The port with its colon: bare digits may occur in a digest by chance.
        var port = ":" + registry.Authority.Split(':')[1];
        var headers = string.Join('\n', Response.Headers.Concat(Response.Content.Headers).Select(h => $"{h.Key}: {string.Join(',', h.Value)}"));
        foreach (var text in new[] { Text, headers })
        {
            text.Should().NotContain(registry.Authority).And.NotContain(port).And.NotContain(ReferrersMount.UpstreamNamespace);
        }
    }

    public void Dispose() => Response.Dispose();
}
