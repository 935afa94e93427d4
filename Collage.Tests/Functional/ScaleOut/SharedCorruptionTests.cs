using System.Net;
using Collage.Tests.Functional.Caching;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// An object in the bucket whose bytes do not match its digest (written by something else, or rotted): a replica
/// reading it never hands the client a clean transfer of the wrong bytes, deletes it, and the next pull fetches
/// from the upstream.
/// </summary>
public sealed class SharedCorruptionTests(SharedStoresFixture stores) : IClassFixture<SharedStoresFixture>
{
    private const int Length = 200_000;

    [Fact]
    public async Task Get_CorruptObjectInTheBucket_NotServedDeletedAndRefetchedFromUpstream()
    {
        await using var fleet = await SharedFleet.StartAsync(stores);
        var blob = FakeOciRegistry.Content(Length, seed: 41);
        var digest = fleet.Upstream.AddBlob("team-a/web", blob);
        var hex = SharedFleet.HexOf(digest);
        var path = $"/v2/a/web/blobs/{digest}";
        var (_, b) = await SharedBlobAnswersTests.StoredByAAsync(fleet, path, blob);
        using var store = fleet.Store();
        var wrong = (byte[])blob.Clone();
        wrong[Length / 2] ^= 0xff;
        var file = Path.Combine(Path.GetTempPath(), $"collage-corrupt-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(file, wrong);
        try
        {
            await store.DeleteAsync(hex, CancellationToken.None);
            await store.UploadAsync(hex, file, wrong.Length, CancellationToken.None);
        }
        finally
        {
            File.Delete(file);
        }

        var upstreamGets = fleet.Upstream.Count("GET", $"/v2/team-a/web/blobs/{digest}");

        var (status, received) = await TryGetAsync(b, path);

        if (status is { } answered)
        {
            // Only an error before any byte went out is a clean end; a 200 must have been cut short (an exception).
            answered.Should().Be(HttpStatusCode.BadGateway, "a transfer of bytes that do not match the digest must not end cleanly");
            received.Should().NotEqual(wrong);
        }

        var deleted = await Observability.Eventually.GetAsync(() => store.GetLengthAsync(hex, CancellationToken.None), length => length is null, TimeSpan.FromSeconds(20));
        deleted.Should().BeNull("the replica that found the mismatch deletes the object");
        SharedBlobAnswersTests.HoldsLocally(b, digest).Should().BeFalse("unverified bytes are never committed");

        var (again, againBody) = await SharedFleet.SendAsync(b, path);
        using (again)
        {
            again.StatusCode.Should().Be(HttpStatusCode.OK);
            againBody.Should().Equal(blob);
        }

        fleet.Upstream.Count("GET", $"/v2/team-a/web/blobs/{digest}").Should().Be(upstreamGets + 1, "the next pull fetched the blob from the upstream");
        await SharedFleet.SettledAsync(b);
        (await store.GetLengthAsync(hex, CancellationToken.None)).Should().Be(Length, "the verified refetch was uploaded again");
    }

    // (status, body) when the transfer ended cleanly; (null, null) when it was aborted.
    private static async Task<(HttpStatusCode? Status, byte[]? Body)> TryGetAsync(Infrastructure.CollageServer replica, string path)
    {
        try
        {
            var (response, body) = await SharedFleet.SendAsync(replica, path);
            using (response)
            {
                return (response.StatusCode, body);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return (null, null);
        }
    }
}
