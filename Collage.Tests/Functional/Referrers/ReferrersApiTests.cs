using System.Net;
using System.Text.Json.Nodes;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.Functional.Referrers;

/// <summary>
/// An upstream with the referrers API: its pages come through with their <c>Link</c> in local names (and the
/// client's <c>ns</c>), its filter is trusted when it says it applied it, and Collage filters when it does not.
/// </summary>
public sealed class ReferrersApiTests
{
    private const string Sbom = "application/vnd.example.sbom.v1+json";
    private const string Signature = "application/vnd.example.signature.v1+json";

    [Fact]
    public async Task Get_UpstreamPages_LinkNamesLocalRepositoryAndTheWalkCollectsEveryDescriptor()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.Api);
        registry.PageSize = 2;
        var (subject, referrers) = Seed(registry, ReferrersMount.Upstream, count: 5);
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        var (pages, links) = await WalkAsync(collage.Client, ReferrersMount.LocalPath(subject));

        links.Should().Equal(
            $"</v2/{ReferrersMount.Local}/referrers/{subject.Digest}?page=2>; rel=\"next\"",
            $"</v2/{ReferrersMount.Local}/referrers/{subject.Digest}?page=3>; rel=\"next\"");
        pages.Select(p => p.Count).Should().Equal(2, 2, 1);
        var collected = pages.SelectMany(p => p).ToList();
        collected.Should().HaveCount(referrers.Length);
        for (var i = 0; i < referrers.Length; i++)
        {
            JsonNode.DeepEquals(collected[i], referrers[i].Descriptor()).Should().BeTrue("descriptor {0} is {1}", i, collected[i]!.ToJsonString());
        }

        registry.ReferrersRequests.Select(r => r.PathAndQuery).Should().Equal(
            ReferrersMount.UpstreamPath(subject),
            ReferrersMount.UpstreamPath(subject) + "?page=2",
            ReferrersMount.UpstreamPath(subject) + "?page=3");
        registry.ManifestRequests.Should().BeEmpty("an upstream with the API is not asked for the fallback tag");
    }

    [Fact]
    public async Task Get_MirrorRequestWithNs_LinkCarriesNsAndTheUpstreamNeverSeesIt()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.Api);
        registry.PageSize = 1;
        var (subject, referrers) = Seed(registry, ReferrersMount.Upstream, count: 2);
        await using var collage = await CollageServer.StartAsync(new
        {
            vhosts = new Dictionary<string, object>
            {
                ["mirror.example"] = new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{registry.Authority}/{ReferrersMount.UpstreamNamespace}" } },
            },
        });

        var (pages, links) = await WalkAsync(collage.Client, ReferrersMount.LocalPath(subject, "?ns=mirror.example"));

        links.Should().Equal($"</v2/{ReferrersMount.Local}/referrers/{subject.Digest}?page=2&ns=mirror.example>; rel=\"next\"");
        pages.SelectMany(p => p).Select(d => d!["digest"]!.GetValue<string>()).Should().Equal(referrers.Select(r => r.Digest));
        registry.ReferrersRequests.Should().HaveCount(2).And.OnlyContain(r => !r.Query.ContainsKey("ns"));
    }

    [Fact]
    public async Task Get_UpstreamAppliesFilter_AnswerPassedThroughUnchanged()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.Api);
        var subject = Artifact.Image(1);
        registry.Put(ReferrersMount.Upstream, subject, "v1");
        var sbom = Artifact.Referrer(subject, Sbom, seed: 1);
        var signature = Artifact.Referrer(subject, Signature, seed: 2);
        registry.AddReferrer(ReferrersMount.Upstream, subject, sbom);
        registry.AddReferrer(ReferrersMount.Upstream, subject, signature);
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject, "?artifactType=" + Uri.EscapeDataString(Sbom)));

        answer.ShouldBeIndexOf(sbom.Descriptor());
        answer.Body.Should().Equal(Artifact.Index(sbom.Descriptor()), "the upstream's bytes, unchanged");
        answer.Header("OCI-Filters-Applied").Should().Be("artifactType");
        registry.ReferrersRequests.Should().ContainSingle().Which.Query["artifactType"].ToString().Should().Be(Sbom);
    }

    [Fact]
    public async Task Get_UpstreamIgnoresFilter_CollageFiltersAndSaysSo()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.ApiIgnoringFilter);
        var subject = Artifact.Image(2);
        registry.Put(ReferrersMount.Upstream, subject, "v1");
        var sbom = Artifact.Referrer(subject, Sbom, seed: 1);
        var signature = Artifact.Referrer(subject, Signature, seed: 2, annotations: new Dictionary<string, string> { ["com.example.signer"] = "ci" });
        var second = Artifact.Referrer(subject, Signature, seed: 3);
        foreach (var referrer in new[] { sbom, signature, second })
        {
            registry.AddReferrer(ReferrersMount.Upstream, subject, referrer);
        }

        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject, "?artifactType=" + Uri.EscapeDataString(Signature)));

        answer.ShouldBeIndexOf(signature.Descriptor(), second.Descriptor());
        answer.Response.Content.Headers.ContentLength.Should().Be(answer.Body.Length);
        answer.Header("OCI-Filters-Applied").Should().Be("artifactType");
    }

    [Fact]
    public async Task Get_NoFilterAsked_NoFiltersAppliedHeader()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.ApiIgnoringFilter);
        var (subject, referrers) = Seed(registry, ReferrersMount.Upstream, count: 2);
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        answer.ShouldBeIndexOf([.. referrers.Select(r => r.Descriptor())]);
        answer.Header("OCI-Filters-Applied").Should().BeNull();
    }

    [Fact]
    public async Task Head_UpstreamWithApi_HeadersOfTheGetWithoutBody()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.Api);
        var (subject, _) = Seed(registry, ReferrersMount.Upstream, count: 2);
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var get = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));
        using var head = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject), HttpMethod.Head);

        head.Status.Should().Be(HttpStatusCode.OK);
        head.Body.Should().BeEmpty();
        head.Response.Content.Headers.ContentType!.MediaType.Should().Be(Artifact.ImageIndex);
        head.Response.Content.Headers.ContentLength.Should().Be(get.Body.Length);
    }

    [Fact]
    public async Task Get_UpstreamRequest_AcceptsTheOciIndexAndCarriesTheQueryWithoutNs()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.Api);
        var (subject, _) = Seed(registry, ReferrersMount.Upstream, count: 1);
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var request = new HttpRequestMessage(HttpMethod.Get, ReferrersMount.LocalPath(subject, $"?artifactType={Uri.EscapeDataString(Sbom)}&ns=127.0.0.1"));
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        using var response = await collage.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var sent = registry.ReferrersRequests.Should().ContainSingle().Subject;
        sent.Header("Accept").Should().Be(Artifact.ImageIndex);
        sent.PathAndQuery.Should().Be(ReferrersMount.UpstreamPath(subject) + "?artifactType=" + Uri.EscapeDataString(Sbom));
    }

    /// <summary>A subject image with <paramref name="count"/> referrers of alternating types, all stored upstream.</summary>
    internal static (Artifact Subject, Artifact[] Referrers) Seed(ReferrersRegistry registry, string repository, int count)
    {
        var subject = Artifact.Image(count);
        registry.Put(repository, subject, "v1");
        var referrers = Enumerable.Range(0, count)
            .Select(i => Artifact.Referrer(subject, i % 2 == 0 ? Sbom : Signature, seed: i, annotations: new Dictionary<string, string> { ["com.example.n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            .ToArray();
        foreach (var referrer in referrers)
        {
            registry.AddReferrer(repository, subject, referrer);
        }

        return (subject, referrers);
    }

    /// <summary>Follows <c>Link: rel="next"</c> through Collage from <paramref name="path"/>, at most ten pages.</summary>
    private static async Task<(List<JsonArray> Pages, List<string> Links)> WalkAsync(HttpClient client, string path)
    {
        var pages = new List<JsonArray>();
        var links = new List<string>();
        string? next = path;
        for (var page = 0; next is not null && page < 10; page++)
        {
            using var answer = await ReferrersAnswer.SendAsync(client, next);
            answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
            answer.Response.Content.Headers.ContentType!.MediaType.Should().Be(Artifact.ImageIndex);
            pages.Add(answer.Manifests);
            next = null;
            if (answer.Response.Headers.TryGetValues("Link", out var values))
            {
                var link = values.Single();
                links.Add(link);
                next = link[1..link.IndexOf('>', StringComparison.Ordinal)];
            }
        }

        return (pages, links);
    }
}
