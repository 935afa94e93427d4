using System.Net;
using System.Text.Json;
using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Tests.Functional.Observability;
using Collage.Transforms.Caching;
using Microsoft.Extensions.DependencyInjection;

namespace Collage.Tests.EndToEnd.Spec;

/// <summary>
/// The read side of distribution spec 1.1 through Collage in front of distribution 2.8.2, with and without the cache:
/// the error codes of a missing blob, manifest and repository as the registry gives them; byte ranges (206 and 416)
/// and HEAD of blobs as the registry answers them; and the tag paging the spec asks for (<c>n=0</c>, <c>last</c> at the
/// end, exactly <c>n</c> per page) although the registry ignores <c>n</c> and <c>last</c>; and the catalog's paging.
/// </summary>
public sealed class ReadSideEndToEndTests(SpecRegistryFixture fixture) : IClassFixture<SpecRegistryFixture>
{
    private const string Absent = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    private static readonly string Lab = SpecRegistryFixture.Mount;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Get_MissingBlobManifestOrRepository_404WithTheRegistrysCode(bool cached)
    {
        (string Upstream, string Local)[] pairs =
        [
            ($"team/app/blobs/{Absent}", $"{Lab}/app/blobs/{Absent}"),
            ("team/app/manifests/nosuchtag", $"{Lab}/app/manifests/nosuchtag"),
            ($"team/app/manifests/{Absent}", $"{Lab}/app/manifests/{Absent}"),
            ("team/nosuchrepo/tags/list", $"{Lab}/nosuchrepo/tags/list"),
            ("team/nosuchrepo/manifests/v1", $"{Lab}/nosuchrepo/manifests/v1"),
            ($"team/nosuchrepo/blobs/{Absent}", $"{Lab}/nosuchrepo/blobs/{Absent}"),
        ];

        foreach (var (upstream, local) in pairs)
        {
            var direct = await ManifestAnswer.FetchAsync(fixture.Direct, HttpMethod.Get, $"/v2/{upstream}", OciMediaTypes.ImageManifest);
            var through = await ManifestAnswer.FetchAsync(fixture.Through(cached).Client, HttpMethod.Get, $"/v2/{local}", OciMediaTypes.ImageManifest);
            direct.Status.Should().Be(404, upstream);
            through.Status.Should().Be(404, local);
            through.ErrorCode.Should().Be(direct.ErrorCode, local);
            if (!local.EndsWith("/tags/list", StringComparison.Ordinal))
            {
                // HEAD of a tag list is no endpoint of the spec (distribution answers 405); of manifests and blobs it is.
                var head = await ManifestAnswer.FetchAsync(fixture.Through(cached).Client, HttpMethod.Head, $"/v2/{local}", OciMediaTypes.ImageManifest);
                head.Status.Should().Be(404, "HEAD {0}", local);
            }
        }

        var unmounted = await ManifestAnswer.FetchAsync(fixture.Through(cached).Client, HttpMethod.Get, "/v2/unmounted/app/manifests/t0", null);
        unmounted.Status.Should().Be(404);
        unmounted.ErrorCode.Should().Be("NAME_UNKNOWN");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetBlob_RangeInsideAndPastTheEnd_206And416AsTheRegistryOnMissAndHit(bool cached)
    {
        var collage = fixture.Through(cached);
        var layer = fixture.Images.Layer;
        var path = $"blobs/{Sha256Digest.Of(layer)}";
        string[] ranges = ["bytes=2-9", $"bytes={layer.Length - 4}-", "bytes=-3", $"bytes={layer.Length}-", $"bytes={layer.Length + 10}-{layer.Length + 20}"];
        for (var round = 0; round < 2; round++)
        {
            foreach (var range in ranges)
            {
                var direct = await RangeAsync(fixture.Direct, $"/v2/team/app/{path}", range);
                var through = await RangeAsync(collage.Client, $"/v2/{Lab}/app/{path}", range);

                through.Status.Should().Be(direct.Status, "round {0}, {1}", round, range);
                through.ContentRange.Should().Be(direct.ContentRange, "round {0}, {1}", round, range);
                if (direct.Status == HttpStatusCode.PartialContent)
                {
                    through.Body.Should().Equal(direct.Body, "round {0}, {1}", round, range);
                }

                through.XCache.Should().Be(cached && round == 1 ? "HIT" : null, "a range on a miss is forwarded; on a hit the cache answers it");
            }

            // A whole GET between the rounds: with the cache it fills it (committed before the next round).
            using var whole = await collage.Client.GetAsync($"/v2/{Lab}/app/{path}");
            (await whole.Content.ReadAsByteArrayAsync()).Should().Equal(layer);
            if (cached)
            {
                var cache = collage.Services.GetRequiredService<PullThroughCache>();
                (await Eventually.GetAsync(() => Task.FromResult(cache.Fills.Count == 0), done => done)).Should().BeTrue();
            }
        }

        using var directHead = await fixture.Direct.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/team/app/{path}"));
        using var head = await collage.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/{Lab}/app/{path}"));
        head.StatusCode.Should().Be(HttpStatusCode.OK);
        head.Content.Headers.ContentLength.Should().Be(layer.Length).And.Be(directHead.Content.Headers.ContentLength);
        head.Headers.GetValues("Docker-Content-Digest").Should().Equal(directHead.Headers.GetValues("Docker-Content-Digest"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetTags_NZeroLastAtTheEndAndPagesOfN_AsTheSpecSaysThoughTheRegistryIgnoresThem(bool cached)
    {
        var client = fixture.Through(cached).Client;
        var sorted = fixture.AppTags.Order(StringComparer.Ordinal).ToList();
        var direct = TagsOf(await fixture.Direct.GetStringAsync("/v2/team/app/tags/list?n=0"));
        direct.Should().HaveCount(sorted.Count, "distribution 2.8.2 ignores n");

        foreach (var query in new[] { "n=0", $"last={sorted[^1]}", "last=zzz", $"n=4&last={sorted[^1]}" })
        {
            using var response = await client.GetAsync($"/v2/{Lab}/app/tags/list?{query}");
            response.StatusCode.Should().Be(HttpStatusCode.OK, query);
            TagsOf(await response.Content.ReadAsStringAsync()).Should().BeEmpty(query);
            response.Headers.Contains("Link").Should().BeFalse(query);
        }

        var pages = await PagesAsync(client, $"/v2/{Lab}/app/tags/list?n=4", "tags");
        pages.Select(p => p.Count).Should().Equal(4, 4, 1);
        pages.SelectMany(p => p).Should().Equal(sorted);
    }

    [Fact]
    public async Task GetCatalog_PagesOfOneNZeroAndLastAtTheEnd_EveryRepositoryOnceInOrder()
    {
        var client = fixture.Plain.Client;
        var expected = SpecRegistryFixture.UpstreamRepositories.Select(r => $"{Lab}/{r["team/".Length..]}").ToList();

        var pages = await PagesAsync(client, "/v2/_catalog?n=1", "repositories");

        pages.Select(p => p.Count).Should().Equal(1, 1, 1);
        pages.SelectMany(p => p).Should().Equal(expected);
        foreach (var query in new[] { "n=0", $"last={expected[^1]}" })
        {
            using var response = await client.GetAsync($"/v2/_catalog?{query}");
            (await response.Content.ReadAsStringAsync()).Should().Be("{\"repositories\":[]}", query);
            response.Headers.Contains("Link").Should().BeFalse(query);
        }
    }

    private static async Task<List<List<string>>> PagesAsync(HttpClient client, string first, string property)
    {
        var pages = new List<List<string>>();
        string? next = first;
        while (next is not null && pages.Count < 20)
        {
            using var response = await client.GetAsync(next);
            response.StatusCode.Should().Be(HttpStatusCode.OK, next);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            pages.Add([.. body.RootElement.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)]);
            var link = response.Headers.TryGetValues("Link", out var links) ? links.Single() : null;
            link?.Should().EndWith("; rel=\"next\"");
            next = link?.Split('<', '>')[1];
        }

        return pages;
    }

    private static async Task<(HttpStatusCode Status, string? ContentRange, byte[] Body, string? XCache)> RangeAsync(HttpClient client, string path, string range)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var contentRange = response.Content.Headers.ContentRange?.ToString();
        var xCache = response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : null;
        // distribution 2.8.2's 416 announces the blob's length as Content-Length and sends a shorter text: its body is
        // not read (the status and Content-Range are the answer).
        var body = response.StatusCode == HttpStatusCode.PartialContent ? await response.Content.ReadAsByteArrayAsync() : [];
        return (response.StatusCode, contentRange, body, xCache);
    }

    private static List<string> TagsOf(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("tags").ValueKind == JsonValueKind.Null
            ? []
            : [.. document.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)];
    }
}
