using System.Net;

namespace Collage.Tests.Functional.Caching;

/// <summary>
/// Blobs small enough that the fetch can end before the request that started it follows it: the answer must still be
/// the one it would have been (MISS for the fetch, never an unverified upstream body).
/// </summary>
public sealed class SmallBlobTests
{
    private const int Attempts = 20;

    [Fact]
    public async Task Get_SmallBlobs_TheRequestThatFetchedIsMissAndTheNextHit()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        await using var collage = await CachedCollage.StartAsync(registry);

        for (var i = 0; i < Attempts; i++)
        {
            var blob = FakeOciRegistry.Content(16, seed: 100 + i);
            var digest = registry.AddBlob("team-a/web", blob);
            var (first, firstBody) = await collage.GetAsync($"/v2/a/web/blobs/{digest}");
            await CachedCollage.UntilAsync(() => collage.Cache.Fills.Count == 0);
            var (second, _) = await collage.GetAsync($"/v2/a/web/blobs/{digest}");

            using (first)
            using (second)
            {
                firstBody.Should().Equal(blob);
                first.XCache().Should().Be("MISS", "attempt {0} fetched from the upstream", i);
                second.XCache().Should().Be("HIT");
            }
        }
    }

    [Fact]
    public async Task Get_SmallBlobsWrongBytes_NeverACleanTransferOfTheWrongBytes()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        registry.Fault = UpstreamFault.WrongBytes;
        await using var collage = await CachedCollage.StartAsync(registry);

        for (var i = 0; i < Attempts; i++)
        {
            var digest = registry.AddBlob("team-a/web", FakeOciRegistry.Content(16, seed: 200 + i));
            using var response = await collage.Client.GetAsync($"/v2/a/web/blobs/{digest}", HttpCompletionOption.ResponseHeadersRead);
            var (bytes, error) = await BlobDigestMismatchTests.ReadToEndAsync(response);

            if (response.StatusCode == HttpStatusCode.OK)
            {
                error.Should().NotBeNull("attempt {0}: a 200 with unverified bytes must end broken", i);
                bytes.Should().BeLessThan(16);
            }
            else
            {
                response.StatusCode.Should().Be(HttpStatusCode.BadGateway, "attempt {0}", i);
            }
        }

        await CachedCollage.UntilAsync(() => collage.Cache.Fills.Count == 0);
        collage.StoredFiles.Should().BeEmpty();
    }
}
