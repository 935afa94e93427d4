using System.Net;

namespace Collage.Tests.Functional.Caching;

/// <summary>
/// One upstream fetch per blob however many clients ask at once; followers stream as the bytes arrive, a client
/// leaving does not stop the others, and a fetch every client left still completes into the cache.
/// </summary>
public sealed class BlobSingleFlightTests
{
    private const int Length = 256 * 1024;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Get_FiveClientsGatedBody_OneUpstreamGetAndFollowersStreamBeforeTheBodyEnds()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var blob = FakeOciRegistry.Content(Length);
        var digest = registry.AddBlob("team-a/web", blob);
        // A first part lets the headers and a few bytes through; the rest waits for the test.
        registry.Gate = new BodyGate(Length / 16);
        await using var collage = await CachedCollage.StartAsync(registry);

        var sends = Enumerable.Range(0, 5)
            .Select(_ => collage.Client.GetAsync($"/v2/a/web/blobs/{digest}", HttpCompletionOption.ResponseHeadersRead))
            .ToArray();
        var responses = await Task.WhenAll(sends).WaitAsync(Deadline);
        var streams = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStreamAsync()));
        var received = streams.Select(_ => new MemoryStream()).ToArray();

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK && r.Content.Headers.ContentLength == Length);
        responses.Select(r => r.XCache()).Should().BeEquivalentTo(["MISS", "COALESCED", "COALESCED", "COALESCED", "COALESCED"]);
        registry.Count("GET", $"/v2/team-a/web/blobs/{digest}").Should().Be(1);

        // The body in steps: each client reads what has arrived while the upstream still holds the rest.
        foreach (var step in new[] { Length / 8, Length / 4, Length / 2 })
        {
            registry.Gate.Allow(step);
            for (var i = 0; i < streams.Length; i++)
            {
                if (streams[i] is null)
                {
                    continue;
                }

                await ReadUntilAsync(streams[i], received[i], step - 1024).WaitAsync(Deadline);
                received[i].Length.Should().BeLessThan(step, "nothing past what the upstream sent can be served");
            }

            if (step == Length / 4)
            {
                // The first client (the one whose request started the fetch) leaves mid-way.
                var first = Array.FindIndex(responses, r => r.XCache() == "MISS");
                responses[first].Dispose();
                streams[first] = null!;
            }
        }

        registry.Gate.Open();
        for (var i = 0; i < streams.Length; i++)
        {
            if (streams[i] is not null)
            {
                await streams[i].CopyToAsync(received[i]).WaitAsync(Deadline);
                received[i].ToArray().Should().Equal(blob);
            }
        }

        registry.Count("GET", $"/v2/team-a/web/blobs/{digest}").Should().Be(1, "one fetch served all five clients");
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Get_AllClientsLeaveMidFetch_FetchCompletesAndNextGetIsHitWithoutUpstreamRequest()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var blob = FakeOciRegistry.Content(Length, seed: 2);
        var digest = registry.AddBlob("team-a/web", blob);
        var upstreamPath = $"/v2/team-a/web/blobs/{digest}";
        registry.Gate = new BodyGate(Length / 4);
        await using var collage = await CachedCollage.StartAsync(registry);

        for (var i = 0; i < 3; i++)
        {
            using var response = await collage.Client.GetAsync($"/v2/a/web/blobs/{digest}", HttpCompletionOption.ResponseHeadersRead).WaitAsync(Deadline);
            await using var stream = await response.Content.ReadAsStreamAsync();
            await ReadUntilAsync(stream, new MemoryStream(), 1024).WaitAsync(Deadline);
        }

        collage.Cache.Fills.Count.Should().Be(1, "the fetch outlives its clients");
        registry.Gate.Open();
        await CachedCollage.UntilAsync(() => collage.Cache.Fills.Count == 0);

        var (hit, body) = await collage.GetAsync($"/v2/a/web/blobs/{digest}");
        using (hit)
        {
            hit.StatusCode.Should().Be(HttpStatusCode.OK);
            hit.XCache().Should().Be("HIT");
            hit.ContentDigest().Should().Be(digest);
            body.Should().Equal(blob);
        }

        registry.Count("GET", upstreamPath).Should().Be(1);
        registry.Requests.Should().ContainSingle("the hit asked the upstream nothing");
        collage.StoredFiles.Should().ContainSingle().Which.Should().EndWith(digest["sha256:".Length..]);
    }

    private static async Task ReadUntilAsync(Stream stream, MemoryStream into, long total)
    {
        var buffer = new byte[8192];
        while (into.Length < total)
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                throw new EndOfStreamException($"the body ended after {into.Length} bytes");
            }

            into.Write(buffer, 0, read);
        }
    }
}
