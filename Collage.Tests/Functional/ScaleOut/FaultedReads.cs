using System.Net;
using Collage.Tests.Functional.Caching;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>What the tests of faulted bucket reads share: a fleet whose replicas reach s3rver through an <see cref="S3FaultProxy"/>.</summary>
internal static class FaultedReads
{
    /// <summary>
    /// Starts A and B on <paramref name="proxy"/> (fault off), A GETs <paramref name="path"/> (the one upstream GET) and
    /// uploads it; B starts cold, with <paramref name="bRequestTimeout"/> as its cache.s3.requestTimeout.
    /// </summary>
    public static async Task<(CollageServer A, CollageServer B)> StoredByAAsync(SharedFleet fleet, S3FaultProxy proxy, string path, byte[] blob, string bRequestTimeout = "00:00:10")
    {
        var a = await fleet.StartReplicaAsync(s3Endpoint: proxy.Endpoint);
        var b = await fleet.StartReplicaAsync(s3Endpoint: proxy.Endpoint, s3RequestTimeout: bRequestTimeout);
        var (first, body) = await SharedFleet.SendAsync(a, path);
        using (first)
        {
            first.StatusCode.Should().Be(HttpStatusCode.OK);
            body.Should().Equal(blob);
        }

        await SharedFleet.SettledAsync(a);
        (await BucketCopyAsync(fleet, blob)).Should().Equal(blob, "A uploaded the blob it verified");
        return (a, b);
    }

    /// <summary>
    /// GETs <paramref name="path"/> from <paramref name="replica"/>: (status, body) when the transfer ended cleanly,
    /// (null, null) when it was aborted.
    /// </summary>
    public static async Task<(HttpStatusCode? Status, byte[]? Body)> TryGetAsync(CollageServer replica, string path)
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

    /// <summary>
    /// Asserts what a registry client may see of a pull while the bucket misbehaves: the blob, exactly; or a
    /// transfer aborted, or an error answered before any byte went out. Never a clean end with other bytes.
    /// </summary>
    public static void ShouldBeRightOrAborted(this (HttpStatusCode? Status, byte[]? Body) outcome, byte[] blob)
    {
        if (outcome.Status == HttpStatusCode.OK)
        {
            outcome.Body.Should().Equal(blob, "a transfer that ends cleanly carries exactly the blob");
        }
        else if (outcome.Status is { } status)
        {
            status.Should().Be(HttpStatusCode.BadGateway, "the only clean end without the blob is an error before any byte");
        }
    }

    /// <summary>GETs <paramref name="path"/> and asserts the blob came whole, with its digest.</summary>
    public static async Task ShouldServeAsync(CollageServer replica, string path, byte[] blob, string because)
    {
        var (response, body) = await SharedFleet.SendAsync(replica, path);
        using (response)
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK, because);
            response.Headers.GetValues("Docker-Content-Digest").Should().Equal(FakeOciRegistry.DigestOf(blob));
            FakeOciRegistry.DigestOf(body).Should().Be(FakeOciRegistry.DigestOf(blob), because);
        }
    }

    /// <summary>The bucket's object for <paramref name="blob"/>, read straight from s3rver (not through the proxy), or null.</summary>
    public static async Task<byte[]?> BucketCopyAsync(SharedFleet fleet, byte[] blob)
    {
        using var store = fleet.Store();
        await using var found = await store.OpenAsync(SharedFleet.HexOf(FakeOciRegistry.DigestOf(blob)), 0, null, CancellationToken.None);
        if (found is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        await found.Body.CopyToAsync(copy);
        return copy.ToArray();
    }
}
