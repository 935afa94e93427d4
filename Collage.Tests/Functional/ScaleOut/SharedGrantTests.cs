using System.Net;
using Collage.Tests.Functional.Caching;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// The bucket holds content by digest for the whole fleet, but a repository reads a copy another replica stored only
/// when its own upstream lets it: a mount on an upstream that says 404 for the digest must not get the bytes.
/// </summary>
public sealed class SharedGrantTests(SharedStoresFixture stores) : IClassFixture<SharedStoresFixture>
{
    [Fact]
    public async Task Get_MountOnAnUpstreamThatSays404_NotServedFromTheBucket()
    {
        await using var other = await FakeOciRegistry.StartAsync();
        await using var fleet = await SharedFleet.StartAsync(stores);
        var blob = FakeOciRegistry.Content(40_000, seed: 31);
        var digest = fleet.Upstream.AddBlob("team-a/web", blob);
        var a = await fleet.StartReplicaAsync();
        var b = await fleet.StartReplicaAsync(mappings: new Dictionary<string, string> { ["other"] = $"http://{other.Authority}/team-o" });
        using (var first = await a.Client.GetAsync($"/v2/a/web/blobs/{digest}"))
        {
            first.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await SharedFleet.SettledAsync(a);
        var before = fleet.Upstream.Requests.Count;

        var (denied, deniedBody) = await SharedFleet.SendAsync(b, $"/v2/other/web/blobs/{digest}");
        var (head, _) = await SharedFleet.SendAsync(b, $"/v2/other/web/blobs/{digest}", HttpMethod.Head);

        using (denied)
        using (head)
        {
            denied.StatusCode.Should().Be(HttpStatusCode.NotFound, "the other upstream does not have the digest");
            deniedBody.Should().NotEqual(blob);
            head.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        other.Requests.Should().Contain(r => r.Path == $"/v2/team-o/web/blobs/{digest}", "only the other upstream can say whether its repository has the digest");
        SharedBlobAnswersTests.HoldsLocally(b, digest).Should().BeFalse();

        // The object was in the bucket all along: the mount it was granted to reads it from there.
        var (granted, grantedBody) = await SharedFleet.SendAsync(b, $"/v2/a/web/blobs/{digest}");
        using (granted)
        {
            granted.StatusCode.Should().Be(HttpStatusCode.OK);
            grantedBody.Should().Equal(blob);
        }

        fleet.Upstream.Requests.Skip(before).Should().NotContain(r => r.Method == "GET", "B read team-a's copy from the bucket");
    }
}
