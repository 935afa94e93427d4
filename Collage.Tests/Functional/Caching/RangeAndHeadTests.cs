using System.Net;

namespace Collage.Tests.Functional.Caching;

/// <summary>
/// Range and HEAD requests for blobs: answered by the cache on a hit and when joining a fetch in flight, forwarded
/// untouched on a miss (nothing stored, nothing in flight).
/// </summary>
public sealed class RangeAndHeadTests
{
    private const int Length = 10_000;

    [Fact]
    public async Task GetRange_OnHit_PartialContentAnd416PastTheEnd()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var blob = FakeOciRegistry.Content(Length, seed: 7);
        var digest = registry.AddBlob("team-a/web", blob);
        await using var collage = await CachedCollage.StartAsync(registry);
        var path = $"/v2/a/web/blobs/{digest}";
        await collage.PrimeAsync(path);

        var (partial, partialBody) = await collage.GetAsync(path, range: "bytes=100-199");
        var (suffix, suffixBody) = await collage.GetAsync(path, range: "bytes=-10");
        var (open, openBody) = await collage.GetAsync(path, range: $"bytes={Length - 5}-");
        var (past, _) = await collage.GetAsync(path, range: $"bytes={Length}-");

        using (partial)
        using (suffix)
        using (open)
        using (past)
        {
            partial.StatusCode.Should().Be(HttpStatusCode.PartialContent);
            partial.XCache().Should().Be("HIT");
            partial.Content.Headers.ContentRange!.ToString().Should().Be($"bytes 100-199/{Length}");
            partial.Content.Headers.ContentLength.Should().Be(100);
            partialBody.Should().Equal(blob[100..200]);
            suffix.StatusCode.Should().Be(HttpStatusCode.PartialContent);
            suffixBody.Should().Equal(blob[^10..]);
            openBody.Should().Equal(blob[^5..]);
            past.StatusCode.Should().Be(HttpStatusCode.RequestedRangeNotSatisfiable);
            past.Content.Headers.ContentRange!.ToString().Should().Be($"bytes */{Length}");
        }

        registry.Requests.Should().ContainSingle("only the first GET reached the upstream");
    }

    [Fact]
    public async Task Head_OnHit_SameHeadersAsGet()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var digest = registry.AddBlob("team-a/web", FakeOciRegistry.Content(Length, seed: 8));
        await using var collage = await CachedCollage.StartAsync(registry);
        var path = $"/v2/a/web/blobs/{digest}";
        await collage.PrimeAsync(path);

        var (get, _) = await collage.GetAsync(path);
        var (head, headBody) = await collage.GetAsync(path, method: HttpMethod.Head);

        using (get)
        using (head)
        {
            head.StatusCode.Should().Be(HttpStatusCode.OK);
            headBody.Should().BeEmpty();
            foreach (var name in new[] { "X-Cache", "Docker-Content-Digest", "ETag", "Accept-Ranges" })
            {
                head.Headers.GetValues(name).Should().Equal(get.Headers.GetValues(name), name);
            }

            head.Content.Headers.ContentLength.Should().Be(Length).And.Be(get.Content.Headers.ContentLength);
            head.MediaType().Should().Be(get.MediaType());
            head.ContentDigest().Should().Be(digest);
        }

        registry.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task RangeAndHead_OnMiss_ForwardedAndNothingStored()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var blob = FakeOciRegistry.Content(Length, seed: 9);
        var digest = registry.AddBlob("team-a/web", blob);
        await using var collage = await CachedCollage.StartAsync(registry);
        var path = $"/v2/a/web/blobs/{digest}";

        var (partial, partialBody) = await collage.GetAsync(path, range: "bytes=0-99");
        var (head, _) = await collage.GetAsync(path, method: HttpMethod.Head);

        using (partial)
        using (head)
        {
            partial.StatusCode.Should().Be(HttpStatusCode.PartialContent);
            partialBody.Should().Equal(blob[..100]);
            partial.XCache().Should().BeNull();
            head.StatusCode.Should().Be(HttpStatusCode.OK);
            head.Content.Headers.ContentLength.Should().Be(Length);
        }

        var upstreamPath = $"/v2/team-a/web/blobs/{digest}";
        registry.Requests.Should().HaveCount(2);
        registry.Requests.Single(r => r.Method == "GET" && r.Path == upstreamPath).Header("Range").Should().Be("bytes=0-99");
        registry.Count("HEAD", upstreamPath).Should().Be(1);
        collage.StoredFiles.Should().BeEmpty();
    }

    [Fact]
    public async Task RangeAndHead_JoiningFetchInFlight_AnsweredFromTheFetch()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var blob = FakeOciRegistry.Content(Length, seed: 10);
        var digest = registry.AddBlob("team-a/web", blob);
        registry.Gate = new BodyGate(Length / 2);
        await using var collage = await CachedCollage.StartAsync(registry);
        var path = $"/v2/a/web/blobs/{digest}";

        using var first = await collage.Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TimeSpan.FromSeconds(10));
        var (partial, partialBody) = await collage.GetAsync(path, range: "bytes=1000-1999").WaitAsync(TimeSpan.FromSeconds(10));
        var (head, _) = await collage.GetAsync(path, method: HttpMethod.Head).WaitAsync(TimeSpan.FromSeconds(10));
        registry.Gate.Open();
        var firstBody = await first.Content.ReadAsByteArrayAsync().WaitAsync(TimeSpan.FromSeconds(10));

        using (partial)
        using (head)
        {
            first.XCache().Should().Be("MISS");
            partial.StatusCode.Should().Be(HttpStatusCode.PartialContent);
            partial.XCache().Should().Be("COALESCED");
            partial.Content.Headers.ContentRange!.ToString().Should().Be($"bytes 1000-1999/{Length}");
            partialBody.Should().Equal(blob[1000..2000]);
            head.StatusCode.Should().Be(HttpStatusCode.OK);
            head.XCache().Should().Be("COALESCED");
            head.Content.Headers.ContentLength.Should().Be(Length);
            head.ContentDigest().Should().Be(digest);
            firstBody.Should().Equal(blob);
        }

        registry.Requests.Should().ContainSingle("the range and the HEAD were answered from the fetch in flight");
    }
}
