using System.Net;
using Collage.Tests.Functional.Caching;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Functional.Referrers;

/// <summary>
/// What a kept referrers answer is kept for: one vhost's request target, never another vhost's answer for the same
/// path, and never a HEAD's empty body served to a GET.
/// </summary>
public sealed class ReferrersCacheKeyTests
{
    [Fact]
    public async Task Get_SamePathOnTwoVhosts_EachItsOwnUpstreamsAnswer()
    {
        await using var one = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        await using var two = await ReferrersRegistry.StartAsync(ReferrersSupport.Api);
        var (subject, sbom, signature) = ReferrersEmulationTests.SeedFallback(one);
        two.Put(ReferrersMount.Upstream, subject, "v1");
        two.AddReferrer(ReferrersMount.Upstream, subject, signature);
        var folder = Directory.CreateTempSubdirectory("collage-cache-").FullName;
        try
        {
            await using var collage = await CollageServer.StartAsync(
                new
                {
                    vhosts = new Dictionary<string, object>
                    {
                        ["one.example"] = Mount(one),
                        ["two.example"] = Mount(two),
                    },
                    cache = new { path = folder, tagTtl = "00:05:00" },
                },
                services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UnixEpoch)));

            var answers = new List<ReferrersAnswer>();
            foreach (var host in new[] { "one.example", "two.example", "one.example", "two.example" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, ReferrersMount.LocalPath(subject));
                request.Headers.Host = host;
                var response = await collage.Client.SendAsync(request);
                answers.Add(await ReferrersAnswer.ReadAsync(response));
            }

            try
            {
                answers[0].ShouldBeIndexOf(sbom.Descriptor(), signature.Descriptor());
                answers[1].ShouldBeIndexOf(signature.Descriptor());
                answers.Select(a => a.Response.XCache()).Should().Equal("MISS", "MISS", "HIT", "HIT");
                answers[2].Body.Should().Equal(answers[0].Body);
                answers[3].Body.Should().Equal(answers[1].Body);
            }
            finally
            {
                answers.ForEach(a => a.Dispose());
            }

            one.ReferrersRequests.Should().ContainSingle();
            two.ReferrersRequests.Should().ContainSingle();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Get_AfterAHead_TheWholeIndex()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var (subject, sbom, signature) = ReferrersEmulationTests.SeedFallback(registry, "team-a/web");
        await using var collage = await CachedCollage.StartAsync(registry.Authority);

        using var head = await ReferrersAnswer.SendAsync(collage.Client, $"/v2/a/web/referrers/{subject.Digest}", HttpMethod.Head);
        using var get = await ReferrersAnswer.SendAsync(collage.Client, $"/v2/a/web/referrers/{subject.Digest}");
        using var headAgain = await ReferrersAnswer.SendAsync(collage.Client, $"/v2/a/web/referrers/{subject.Digest}", HttpMethod.Head);

        head.Status.Should().Be(HttpStatusCode.OK);
        head.Body.Should().BeEmpty();
        get.ShouldBeIndexOf(sbom.Descriptor(), signature.Descriptor());
        headAgain.Response.XCache().Should().Be("HIT");
        headAgain.Body.Should().BeEmpty();
        headAgain.Response.Content.Headers.ContentLength.Should().Be(get.Body.Length);
        head.Response.Content.Headers.ContentLength.Should().Be(get.Body.Length);
    }

    private static object Mount(ReferrersRegistry registry) =>
        new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{registry.Authority}/{ReferrersMount.UpstreamNamespace}" } };
}
