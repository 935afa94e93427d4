using System.Net;

namespace Collage.Tests.Functional.Caching;

/// <summary>An upstream that sends the wrong bytes for a digest: no client ends cleanly, nothing is stored.</summary>
public sealed class BlobDigestMismatchTests
{
    private const int Length = 64 * 1024;

    [Fact]
    public async Task Get_WrongBytesForDigest_EveryConcurrentClientSeesAbortedTransferAndNothingIsStored()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var blob = FakeOciRegistry.Content(Length);
        var digest = registry.AddBlob("team-a/web", blob);
        var upstreamPath = $"/v2/team-a/web/blobs/{digest}";
        registry.Fault = UpstreamFault.WrongBytes;
        registry.Gate = new BodyGate(Length / 2);
        await using var collage = await CachedCollage.StartAsync(registry);

        // Every client is in before the body ends: all of them follow the one fetch.
        var responses = new List<HttpResponseMessage>();
        var heads = new List<Task<byte[]>>();
        for (var i = 0; i < 4; i++)
        {
            var response = await collage.Client.GetAsync($"/v2/a/web/blobs/{digest}", HttpCompletionOption.ResponseHeadersRead).WaitAsync(TimeSpan.FromSeconds(10));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            responses.Add(response);
        }

        var reads = responses.Select(r => ReadToEndAsync(r)).ToArray();
        registry.Gate.Open();
        var outcomes = await Task.WhenAll(reads).WaitAsync(TimeSpan.FromSeconds(20));

        registry.Count("GET", upstreamPath).Should().Be(1, "every client joined the one fetch");
        foreach (var (bytes, error) in outcomes)
        {
            error.Should().NotBeNull("a transfer of unverified bytes must not end cleanly");
            bytes.Should().BeLessThan(Length, "the last byte is held back until the digest matched");
        }

        // The spool file goes with its last reader, a moment after that reader's connection was aborted.
        await CachedCollage.UntilAsync(() => collage.Cache.Fills.Count == 0 && Directory.GetFiles(Path.Combine(collage.Folder, "spool")).Length == 0);
        collage.StoredFiles.Should().BeEmpty();

        // Nothing was kept: the next request asks the upstream again, and now gets the right bytes.
        registry.Fault = UpstreamFault.None;
        var (again, body) = await collage.GetAsync($"/v2/a/web/blobs/{digest}");
        using (again)
        {
            again.StatusCode.Should().Be(HttpStatusCode.OK);
            again.XCache().Should().Be("MISS");
            body.Should().Equal(blob);
        }

        registry.Count("GET", upstreamPath).Should().Be(2);
        responses.ForEach(r => r.Dispose());
    }

    internal static async Task<(long Bytes, Exception? Error)> ReadToEndAsync(HttpResponseMessage response)
    {
        var buffer = new byte[16 * 1024];
        long total = 0;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync();
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            return (total, null);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return (total, ex);
        }
    }
}
