using System.Net;
using Collage.Tests.Functional.Caching;
using Collage.Transforms.Caching;
using Microsoft.Extensions.DependencyInjection;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// HEAD and Range requests to a replica that does not hold a blob another replica stored in the bucket: answered from
/// the bucket (nothing fetched into the local cache, no blob GET upstream), and only for a repository its upstream
/// lets read the digest.
/// </summary>
public sealed class SharedBlobAnswersTests(SharedStoresFixture stores) : IClassFixture<SharedStoresFixture>
{
    private const int Length = 100_000;

    [Fact]
    public async Task HeadAndRange_GrantedRepository_AnsweredFromTheBucketWithNothingUpstream()
    {
        await using var fleet = await SharedFleet.StartAsync(stores);
        var blob = FakeOciRegistry.Content(Length, seed: 11);
        var digest = fleet.Upstream.AddBlob("team-a/web", blob);
        var (a, b) = await StoredByAAsync(fleet, $"/v2/a/web/blobs/{digest}", blob);
        var before = fleet.Upstream.Requests.Count;
        var path = $"/v2/a/web/blobs/{digest}";

        var (head, headBody) = await SharedFleet.SendAsync(b, path, HttpMethod.Head);
        var (partial, partialBody) = await SharedFleet.SendAsync(b, path, range: "bytes=1000-1999");
        var (suffix, suffixBody) = await SharedFleet.SendAsync(b, path, range: "bytes=-7");
        var (past, _) = await SharedFleet.SendAsync(b, path, range: $"bytes={Length}-");

        using (head)
        using (partial)
        using (suffix)
        using (past)
        {
            head.StatusCode.Should().Be(HttpStatusCode.OK);
            head.Content.Headers.ContentLength.Should().Be(Length);
            head.Headers.GetValues("Docker-Content-Digest").Should().Equal(digest);
            headBody.Should().BeEmpty();
            partial.StatusCode.Should().Be(HttpStatusCode.PartialContent);
            partial.Content.Headers.ContentRange!.ToString().Should().Be($"bytes 1000-1999/{Length}");
            partialBody.Should().Equal(blob[1000..2000]);
            suffix.StatusCode.Should().Be(HttpStatusCode.PartialContent);
            suffixBody.Should().Equal(blob[^7..]);
            past.StatusCode.Should().Be(HttpStatusCode.RequestedRangeNotSatisfiable);
            past.Content.Headers.ContentRange!.ToString().Should().Be($"bytes */{Length}");
        }

        fleet.Upstream.Requests.Skip(before).Should().BeEmpty("A's fetch granted the repository the digest through Redis, and B read the bytes from the bucket");
        HoldsLocally(b, digest).Should().BeFalse("B answered from the bucket, not by fetching the blob into its own cache");
    }

    [Fact]
    public async Task HeadAndRange_RepositoryNeverGrantedButItsUpstreamHasIt_OneHeadConfirmsThenFromTheBucket()
    {
        await using var fleet = await SharedFleet.StartAsync(stores);
        var blob = FakeOciRegistry.Content(Length, seed: 12);
        var digest = fleet.Upstream.AddBlob("team-a/web", blob);
        fleet.Upstream.AddBlob("team-b/web", blob);
        var (_, b) = await StoredByAAsync(fleet, $"/v2/a/web/blobs/{digest}", blob);
        var before = fleet.Upstream.Requests.Count;
        var path = $"/v2/b/web/blobs/{digest}";

        var (head, _) = await SharedFleet.SendAsync(b, path, HttpMethod.Head);
        var (partial, partialBody) = await SharedFleet.SendAsync(b, path, range: "bytes=10-19");

        using (head)
        using (partial)
        {
            head.StatusCode.Should().Be(HttpStatusCode.OK);
            head.Content.Headers.ContentLength.Should().Be(Length);
            partial.StatusCode.Should().Be(HttpStatusCode.PartialContent);
            partialBody.Should().Equal(blob[10..20]);
        }

        var upstream = fleet.Upstream.Requests.Skip(before).ToList();
        upstream.Should().ContainSingle("team-b's upstream was asked once whether team-b has the digest, and the grant was kept")
            .Which.Should().Match<Tests.Common.RecordedRequest>(r => r.Method == "HEAD" && r.Path == $"/v2/team-b/web/blobs/{digest}");
    }

    [Fact]
    public async Task HeadAndRange_RepositoryWhoseUpstreamSays404_NeverGetsTheBytes()
    {
        await using var fleet = await SharedFleet.StartAsync(stores);
        var blob = FakeOciRegistry.Content(Length, seed: 13);
        var digest = fleet.Upstream.AddBlob("team-a/web", blob);
        var (_, b) = await StoredByAAsync(fleet, $"/v2/a/web/blobs/{digest}", blob);
        var before = fleet.Upstream.Requests.Count;
        var path = $"/v2/b/web/blobs/{digest}";

        var (head, _) = await SharedFleet.SendAsync(b, path, HttpMethod.Head);
        var (partial, partialBody) = await SharedFleet.SendAsync(b, path, range: "bytes=0-99");

        using (head)
        using (partial)
        {
            head.StatusCode.Should().Be(HttpStatusCode.NotFound, "team-b's upstream does not have the digest");
            partial.StatusCode.Should().Be(HttpStatusCode.NotFound);
            partialBody.Should().NotEqual(blob[..100]);
        }

        var upstream = fleet.Upstream.Requests.Skip(before).ToList();
        upstream.Should().Contain(r => r.Method == "HEAD" && r.Path == $"/v2/team-b/web/blobs/{digest}", "only team-b's upstream can say whether team-b may read it");
        upstream.Should().OnlyContain(r => r.Path == $"/v2/team-b/web/blobs/{digest}");
    }

    // A GETs the blob (the one upstream GET) and uploads it; B starts cold.
    internal static async Task<(Infrastructure.CollageServer A, Infrastructure.CollageServer B)> StoredByAAsync(SharedFleet fleet, string path, byte[] blob, bool redirectHits = false)
    {
        var a = await fleet.StartReplicaAsync();
        var b = await fleet.StartReplicaAsync(redirectHits: redirectHits);
        var (first, body) = await SharedFleet.SendAsync(a, path);
        using (first)
        {
            first.StatusCode.Should().Be(HttpStatusCode.OK);
            body.Should().Equal(blob);
        }

        await SharedFleet.SettledAsync(a);
        using var store = fleet.Store();
        (await store.GetLengthAsync(SharedFleet.HexOf(FakeOciRegistry.DigestOf(blob)), CancellationToken.None)).Should().Be(blob.Length, "A uploaded the blob it verified");
        return (a, b);
    }

    internal static bool HoldsLocally(Infrastructure.CollageServer replica, string digest)
    {
        var index = replica.Services.GetRequiredService<PullThroughCache>().Index;
        if (index.TryPin(SharedFleet.HexOf(digest)) is not { } content)
        {
            return false;
        }

        content.Unpin();
        return true;
    }
}
