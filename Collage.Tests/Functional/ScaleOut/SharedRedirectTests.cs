using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Caching;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// <c>cache.s3.redirectHits</c>: a GET of a blob another replica stored is answered with a 307 to a presigned URL of
/// the object, which a plain client can follow to the exact bytes, without a secret in it.
/// </summary>
public sealed class SharedRedirectTests(SharedStoresFixture stores) : IClassFixture<SharedStoresFixture>
{
    [Fact]
    public async Task Get_RedirectHitsBlobAnotherReplicaStored_307ToAPresignedUrlGivingTheBytes()
    {
        await using var fleet = await SharedFleet.StartAsync(stores);
        var blob = FakeOciRegistry.Content(50_000, seed: 21);
        var digest = fleet.Upstream.AddBlob("team-a/web", blob);
        var path = $"/v2/a/web/blobs/{digest}";
        var (_, b) = await SharedBlobAnswersTests.StoredByAAsync(fleet, path, blob, redirectHits: true);
        var before = fleet.Upstream.Requests.Count;

        var (redirect, _) = await SharedFleet.SendAsync(b, path);

        Uri location;
        using (redirect)
        {
            redirect.StatusCode.Should().Be(HttpStatusCode.TemporaryRedirect);
            redirect.Headers.GetValues("Docker-Content-Digest").Should().Equal(digest);
            location = redirect.Headers.Location!;
        }

        location.IsAbsoluteUri.Should().BeTrue();
        location.Authority.Should().Be(stores.S3.Endpoint.Authority, "the object is read from the bucket");
        location.Query.Should().Contain("X-Amz-Signature=", "a presigned URL");
        using (var plain = new HttpClient())
        {
            (await plain.GetByteArrayAsync(location)).Should().Equal(blob);
        }

        // s3rver's one account has the secret equal to its key id, which the URL names (X-Amz-Credential): past that
        // credential, the secret must not appear anywhere, nor the file it was read from.
        var url = location.AbsoluteUri;
        var credential = $"X-Amz-Credential={S3rverServer.AccessKey}%2F";
        url.Should().Contain(credential);
        url.Replace(credential, string.Empty, StringComparison.Ordinal).Should().NotContainEquivalentOf(S3rverServer.AccessKey);
        url.Should().NotContain(Path.GetFileName(stores.S3.SecretKeyFile));
        fleet.Upstream.Requests.Skip(before).Should().BeEmpty("the blob was granted through Redis and read from the bucket");
        SharedBlobAnswersTests.HoldsLocally(b, digest).Should().BeFalse("a redirect does not fill B's cache");
    }
}
